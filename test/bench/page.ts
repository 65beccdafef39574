import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * Bench pages: a blank page on the demo server's origin (so the SharedWorker, IndexedDB and
 * `parley.js` are the site's own). It is the server's own 404 for a path that dist/ lacks,
 * emptied: a page that Playwright answered itself would have no address, and Chromium's
 * local-network-access checks then block its WebSockets to 127.0.0.1.
 */
export const BLANK = '/__bench.html';

/** A fresh profile: its own SharedWorkers and IndexedDB. */
export async function benchContext(browser: Browser, _origin: string): Promise<BrowserContext> {
  const context = await browser.newContext();
  if (process.env.BENCH_DEBUG) context.on('console', (m) => console.error(`[bench page] ${m.text()}`));
  // tsx compiles with keepNames: functions handed to page.evaluate call esbuild's __name.
  await context.addInitScript('globalThis.__name = (f) => f;');
  return context;
}

export async function blankPage(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[bench page] ${e.message}`));
  await page.goto(`${origin}${BLANK}`);
  await page.evaluate(() => document.body.replaceChildren());
  return page;
}

/**
 * A blank page holding the engine client for `engine` as `window.bench`, with every event it
 * receives counted: `messages` (per conversation), `sent` (own messages acked, per
 * conversation) and `states` (every state change with its page time). Times are
 * `performance.timeOrigin + performance.now()`, comparable across pages and with Node's.
 */
export async function enginePage(context: BrowserContext, origin: string, engine: string): Promise<Page> {
  const page = await blankPage(context, origin);
  await page.evaluate(async (engine) => {
    const url = '/parley.js';
    const { engineClient } = (await import(url)) as typeof import('../../widget/element.ts');
    const client = await engineClient(engine);
    const now = () => performance.timeOrigin + performance.now();
    const bench = { client, messages: {} as Record<string, number>, sent: {} as Record<string, number>, lastAt: 0, states: [] as { to: string; reason: string; at: number; nextRetryAt?: number }[] };
    client.on((event) => {
      if (event.type === 'message') bench.messages[event.message.conversation] = (bench.messages[event.message.conversation] ?? 0) + 1;
      if (event.type === 'status' && event.status === 'sent') bench.sent[event.conversation] = (bench.sent[event.conversation] ?? 0) + 1;
      if (event.type === 'state') bench.states.push({ to: event.change.to, reason: event.change.reason, at: now(), nextRetryAt: event.change.nextRetryAt });
      bench.lastAt = now();
    });
    (window as unknown as { bench: typeof bench }).bench = bench;
  }, engine);
  return page;
}

/** The in-page object `enginePage` sets up, for page.evaluate callbacks. */
export interface PageBench {
  client: import('../../widget/engine-client.ts').EngineClient;
  messages: Record<string, number>;
  sent: Record<string, number>;
  lastAt: number;
  states: { to: string; reason: string; at: number; nextRetryAt?: number }[];
}

/** Epoch ms with sub-ms precision, the same clock the pages use. */
export const now = (): number => performance.timeOrigin + performance.now();
