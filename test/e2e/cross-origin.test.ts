import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { launchChromium, launchChromiumAllowingThirdParty } from '../support/chromium.ts';
import { html, startEmbedSite, type EmbedSite, type Handler } from './embed-site.ts';

/**
 * The script tag on a site of another origin: the page is on 127.0.0.1, the widget on
 * localhost. The page reaches the engine through bridge.html (widget/loader/bridge.ts).
 *
 * Debian's Chromium 156 denies storage (IndexedDB, Web Locks, SharedWorker) to third-party
 * frames with its default cookie setting, so the bridge runs in a profile that allows
 * third-party cookies (`cookie_controls_mode: 0`), as a regular desktop window of Chrome does;
 * the default profile is tested for a clear failure (docs/embedding.md, "Storage partitioning").
 */
let relay: DemoServer;
let widget: EmbedSite;
let host: EmbedSite;
let otherHost: EmbedSite;
let browser: Browser;

const page = (): Handler => (req, res) => {
  const room = new URL(req.url!, 'http://x').searchParams.get('room') ?? 'x';
  html(`<h1>Another site</h1><script async src="${widget.url}/parley/loader.js" data-server="${relay.relayUrl}" data-room="${room}" data-load="eager"></script>`)(req, res);
};

before(async () => {
  relay = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'parley-xo-')) });
  widget = await startEmbedSite({}, 'localhost');
  host = await startEmbedSite({ '/': page() }, '127.0.0.1');
  // Another site (another registrable domain), for storage partitioning.
  otherHost = await startEmbedSite({ '/': page() }, '127.0.0.2');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const s of [host, otherHost, widget]) await s?.close();
  await relay?.close();
});

const inPanel = (condition: string) =>
  `(() => { const chat = document.querySelector('[data-parley]')?.shadowRoot?.querySelector('parley-chat'); const root = chat?.shadowRoot; return !!root && (${condition}); })()`;
const CONNECTED = inPanel(`root.querySelector('.state-text')?.textContent === 'Connected'`);
const texts = (p: Page) =>
  p.evaluate(() =>
    [...(document.querySelector('[data-parley]')!.shadowRoot!.querySelector('parley-chat')!.shadowRoot!.querySelectorAll('.message .text'))].map((t) => t.textContent),
  );

async function visit(context: BrowserContext, url: string): Promise<Page> {
  const tab = await context.newPage();
  await tab.goto(url);
  await tab.locator('[data-parley] button[part=launcher]').click();
  await tab.waitForFunction(CONNECTED, undefined, { timeout: 15_000 });
  return tab;
}

describe('widget on another origin', () => {
  let context: BrowserContext;
  before(async () => (context = await launchChromiumAllowingThirdParty()));
  after(() => context?.close());

  it('shares one engine and one socket between two tabs of the host, which see each other and keep history across a reload', async () => {
    const opens = relay.stats().relayOpens;
    const url = `${host.url}/?room=xo`;
    const one = await visit(context, url);
    let two = await visit(context, url);
    assert.equal(relay.stats().relayOpens - opens, 1, 'one socket for both tabs');
    assert.ok(widget.log.some((e) => e.path === '/parley/bridge.html'), 'the bridge was loaded from the widget origin');
    assert.ok(!host.log.some((e) => e.path.startsWith('/parley/')), 'nothing is fetched from the host origin');

    await one.locator('parley-chat textarea').fill('across origins');
    await one.locator('parley-chat textarea').press('Enter');
    await two.waitForFunction(inPanel(`[...root.querySelectorAll('.message .text')].some((t) => t.textContent === 'across origins')`));

    await two.reload();
    await two.locator('[data-parley] button[part=launcher]').click();
    await two.waitForFunction(inPanel(`root.querySelectorAll('.message .text').length === 1`));
    assert.deepEqual(await texts(two), ['across origins']);
    assert.equal(relay.stats().relayOpens - opens, 1, 'still one socket after the reload');
  });

  it('starts a second engine for the same widget on another top-level site (storage partitioning)', async () => {
    const opens = relay.stats().relayOpens;
    await visit(context, `${otherHost.url}/?room=xo`);
    // Chromium keys the bridge's SharedWorker, IndexedDB and locks by top-level site.
    assert.equal(relay.stats().relayOpens - opens, 1, 'a new socket: the engine of 127.0.0.1 is not shared with 127.0.0.2');
    assert.equal(relay.stats().relayClients, 2);
  });
});

describe('widget on another origin, third-party storage blocked', () => {
  it('says the chat could not start, and why, instead of waiting for ever', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await tab.goto(`${host.url}/?room=blocked`);
    await tab.locator('[data-parley] button[part=launcher]').click();
    await tab.waitForFunction(inPanel(`root.querySelector('[role=alert]')?.textContent.includes('The chat could not start')`), undefined, { timeout: 15_000 });
    assert.ok(errors.some((e) => /did not start: The browser denies storage to the widget's frame on this site/.test(e)), errors.join('\n'));
    await context.close();
  });
});

describe('bridge allow-list', () => {
  it("refuses a page whose origin is not on the bridge's list, and says so", async () => {
    // The same dist/, but bridge.html names one other origin.
    const strict = await startEmbedSite({}, 'localhost', 0, (req, res) => {
      if (!req.url?.startsWith('/parley/bridge.html')) return false;
      const original = readFileSync(resolve('dist/bridge.html'), 'utf8');
      res.writeHead(200, { 'content-type': 'text/html' }).end(original.replace('content="*"', 'content="https://shop.example"'));
      return true;
    });
    const strictHost = await startEmbedSite({
      '/': html(`<script async src="${strict.url}/parley/loader.js" data-server="${relay.relayUrl}" data-room="strict" data-load="eager"></script>`),
    });
    const context = await launchChromiumAllowingThirdParty();
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await tab.goto(strictHost.url);
    await tab.locator('[data-parley] button[part=launcher]').click();
    await tab.waitForFunction(inPanel(`root.querySelector('[role=alert]')?.textContent.includes('The chat could not start')`), undefined, { timeout: 15_000 });
    assert.ok(errors.some((e) => e.includes(`This widget does not allow pages of ${strictHost.url} to embed it`)), errors.join('\n'));
    await context.close();
    await strictHost.close();
    await strict.close();
  });
});

describe('bridge with a missing engine script', () => {
  it('reports the cause at once instead of waiting for the start deadline', async () => {
    const broken = await startEmbedSite({}, 'localhost', 0, (req, res) => {
      if (!/\/engine\.worker-[^/]*\.js/.test(req.url ?? '')) return false;
      res.writeHead(404).end();
      return true;
    });
    const brokenHost = await startEmbedSite({
      '/': html(`<script async src="${broken.url}/parley/loader.js" data-server="${relay.relayUrl}" data-room="broken" data-load="eager"></script>`),
    });
    const context = await launchChromiumAllowingThirdParty();
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const started = Date.now();
    await tab.goto(brokenHost.url);
    await tab.locator('[data-parley] button[part=launcher]').click();
    await tab.waitForFunction(inPanel(`root.querySelector('[role=alert]')?.textContent.includes('The chat could not start')`), undefined, { timeout: 15_000 });
    assert.ok(Date.now() - started < 10_000, 'before the 10 s start deadline');
    assert.ok(errors.some((e) => /did not start: The engine worker script beside .*bridge\.js did not load/.test(e)), errors.join('\n'));
    await context.close();
    await brokenHost.close();
    await broken.close();
  });
});
