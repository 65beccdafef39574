import type { Browser, Page } from 'playwright-core';
import type { DemoServer } from '../../demo/server.ts';
import type { EngineOptions } from '../../worker/api.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { benchContext, enginePage, now, type PageBench } from './page.ts';
import { repeat, type Section } from './results.ts';

/** Short backoff for "server back to open", so the figure shows the engine and not the wait. */
const SMALL_BACKOFF: Partial<EngineOptions> = { backoffBase: 100, backoffCap: 1_000 };
/** How long the server stays away; the outage itself is the point here, not a synchronisation. */
const OUTAGE_MS = 2_000;

/**
 * Item 8, on the JSON relay behind a TcpProxy (test/support/tcp-proxy.ts):
 * - server back to `open`, backoffCap 1 000 ms (full jitter: up to that wait is by design);
 *   and the engine's own share of it, from the start of the attempt that found the server
 *   back (or from the server's return, if that came during the attempt) to `open`;
 * - the page's `online` event to the engine's next `connecting`, while a long backoff wait
 *   (base 20 s) is pending: what the wake-up saves;
 * - half-open detection: the proxy drops every byte but keeps the socket; the time until the
 *   engine leaves `open`, with the default heartbeat (15 000 ms silence + 5 000 ms timeout).
 * No baseline exists for these; the engine's own settings are the reference, given in the names.
 */
export async function measureRecovery(server: DemoServer, browser: Browser, reps: number): Promise<Section> {
  const back: number[] = [];
  const handshake: number[] = [];
  const online: number[] = [];
  const halfOpen: number[] = [];
  await repeat(reps, async (rep) => {
    back.push(await withEngine(server, browser, `back-${rep}`, SMALL_BACKOFF, async (page, proxy) => {
      const seen = await stateCount(page);
      proxy.set('refuse');
      await waitForState(page, 'reconnecting', seen);
      await sleep(OUTAGE_MS);
      const after = await stateCount(page);
      const t0 = now();
      proxy.set('forward');
      const open = await waitForState(page, 'open', after);
      // The attempt that found the server back: what the engine itself took, without the
      // backoff wait that jitter drew before it.
      const attempt = (await states(page)).slice(after).findLast((s) => s.to === 'connecting' && s.at <= open.at)!;
      handshake.push(open.at - Math.max(t0, attempt.at));
      return open.at - t0;
    }));
    online.push(await withEngine(server, browser, `online-${rep}`, { backoffBase: 20_000, backoffCap: 60_000 }, async (page, proxy) => {
      let seen = await stateCount(page);
      proxy.set('refuse');
      // Wait for a pending retry at least 3 s away, so that only the wake-up explains a quick attempt.
      for (;;) {
        const state = await waitForState(page, 'reconnecting', seen, 90_000);
        if ((state.nextRetryAt ?? 0) - Date.now() > 3_000) break;
        seen = await stateCount(page);
      }
      await page.evaluate(() => addEventListener('online', () => ((window as unknown as { onlineAt: number }).onlineAt = performance.timeOrigin + performance.now()), { once: true }));
      const after = await stateCount(page);
      await page.context().setOffline(true);
      await page.context().setOffline(false);
      const attempt = await waitForState(page, 'connecting', after);
      return attempt.at - (await page.evaluate(() => (window as unknown as { onlineAt: number }).onlineAt));
    }));
    halfOpen.push(await withEngine(server, browser, `half-open-${rep}`, {}, async (page, proxy) => {
      const seen = await stateCount(page);
      const t0 = now();
      proxy.set('blackhole');
      const left = await waitFor(async () => (await states(page)).slice(seen).find((s) => s.to !== 'open'), 60_000, 'the engine to leave open');
      return left.at - t0;
    }));
  });
  return {
    rows: [
      { item: 8, name: 'recovery: server back to open (backoffCap 1 000 ms)', unit: 'ms', direction: 'lower', samples: back, note: 'includes the backoff wait that full jitter draws, 0 to 1 000 ms' },
      { item: 8, name: 'recovery: server back to open, the attempt alone (connecting, or the server back if later, to open)', unit: 'ms', direction: 'lower', samples: handshake },
      { item: 8, name: 'recovery: online event to first attempt (pending wait ≥ 3 s)', unit: 'ms', direction: 'lower', samples: online },
      { item: 8, name: 'recovery: half-open detected, default heartbeat (15 000 + 5 000 ms)', unit: 'ms', direction: 'lower', samples: halfOpen },
    ],
  };
}

type State = PageBench['states'][number];
const states = (page: Page): Promise<State[]> => page.evaluate(() => (window as unknown as { bench: PageBench }).bench.states);
const stateCount = async (page: Page): Promise<number> => (await states(page)).length;
const waitForState = (page: Page, to: string, after: number, timeout = 30_000): Promise<State> =>
  waitFor(async () => (await states(page)).slice(after).find((s) => s.to === to), timeout, `state ${to}`, 10);

/** An engine with one open conversation on the relay behind a fresh proxy, for `run`. */
async function withEngine<T>(server: DemoServer, browser: Browser, name: string, options: Partial<EngineOptions>, run: (page: Page, proxy: TcpProxy) => Promise<T>): Promise<T> {
  const proxy = await TcpProxy.start({ port: server.port });
  const context = await benchContext(browser, server.url);
  try {
    const page = await enginePage(context, server.url, `${name}-${Date.now()}`);
    await page.evaluate(
      async ({ url, options, room }) => {
        const bench = (window as unknown as { bench: PageBench }).bench;
        await bench.client.api.open({ protocol: 'websocket', url, user: `recovery-${room}`, options }, room);
        while (bench.states.at(-1)?.to !== 'open') await new Promise((r) => setTimeout(r, 10));
      },
      { url: `ws://127.0.0.1:${proxy.port}/relay`, options, room: name },
    );
    return await run(page, proxy);
  } finally {
    await context.close();
    await proxy.close();
  }
}
