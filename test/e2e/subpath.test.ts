import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { serveStatic } from '../../demo/static-files.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { launchChromium } from '../support/chromium.ts';
import { waitFor } from '../support/wait.ts';

/**
 * dist/ copied under /parley/ on a site, as README's example has it: every file the widget
 * loads is found from parley.js's own URL, and an engine that cannot load says so.
 */
let relay: DemoServer;
let site: Server;
let siteUrl = '';
let browser: Browser;
const requests: string[] = [];
/** When set, the site answers 404 for the engine's worker script, as a half-copied dist/ would. */
let hideWorker = false;

const hostPage = (room: string, noSharedWorker: boolean, launcher: boolean) => `<!doctype html><title>A site</title><link rel="icon" href="data:,">
${noSharedWorker ? '<script>delete window.SharedWorker</script>' : ''}
<script type="module" src="/parley/parley.js"></script>
<parley-chat server="${relay.relayUrl}" room="${room}" user="Sam"${launcher ? ' mode="launcher"' : ''}></parley-chat>`;

before(async () => {
  relay = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'parley-sub-')) });
  const dist = serveStatic(resolve('dist'));
  site = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    if (hideWorker && /\/engine\.worker-[^/]*\.js$/.test(path)) return void res.writeHead(404).end();
    if (path.startsWith('/parley/')) return dist(Object.assign(req, { url: path.slice('/parley'.length) }), res);
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(hostPage(query.get('room') ?? 'sub', query.has('no-shared-worker'), query.has('launcher')));
  });
  await new Promise<void>((ready) => site.listen(0, '127.0.0.1', ready));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  site?.close();
  await relay?.close();
});

const inWidget = (condition: string) =>
  `(() => { const root = document.querySelector('parley-chat')?.shadowRoot; return !!root && (${condition}); })()`;

describe('dist/ under a sub-path', () => {
  it('loads the engine and its transport from /parley/ and chats', async () => {
    const page: Page = await (await browser.newContext()).newPage();
    requests.length = 0;
    await page.goto(`${siteUrl}/shop/?room=subpath`);
    await page.waitForFunction(inWidget(`root.querySelector('.state-text')?.textContent === 'Connected'`));
    await page.locator('parley-chat textarea').fill('from a sub-path');
    await page.locator('parley-chat textarea').press('Enter');
    await page.waitForFunction(inWidget(`root.querySelector('.status')?.dataset.status === 'sent'`));
    const outside = requests.filter((p) => !p.startsWith('/parley/') && p !== '/shop/');
    assert.deepEqual(outside, [], 'nothing is fetched from the site root');
    assert.ok(requests.some((p) => /^\/parley\/assets\/engine\.worker-.*\.js$/.test(p)), 'the worker came from /parley/assets/');
    assert.ok(requests.some((p) => /^\/parley\/assets\/json-.*\.js$/.test(p)), 'the JSON transport chunk came from /parley/assets/');
    await page.context().close();
  });

  it('fetches the message list of a launcher widget from /parley/ while the page is idle, so that it opens offline', async () => {
    const page: Page = await (await browser.newContext()).newPage();
    requests.length = 0;
    await page.goto(`${siteUrl}/?room=subpath-launcher&launcher`);
    const launcher = page.locator('parley-chat button[part=launcher]');
    await launcher.waitFor();
    const listChunk = () => requests.some((p) => /^\/parley\/assets\/message-list-.*\.js$/.test(p));
    // Not needed until the panel opens, but fetched before: an open then draws at once, and one
    // opened offline still can (widget/controllers/lazy-module.ts).
    await waitFor(listChunk, 10_000, "the list's chunk without a gesture");
    // Closed, the panel may be drawn already, hidden (`parked`, docs/widget.md): none is on screen.
    assert.equal(await page.locator('parley-chat').evaluate((chat) => chat.shadowRoot!.querySelector('.panel:not(.parked)')), null, 'the panel is still closed');
    // Once the chunk is in (an import of it settles with the widget's own), the network may go.
    const chunk = requests.find((p) => /message-list-/.test(p))!;
    await page.evaluate(async (url) => void (await import(url)), chunk);
    await page.context().setOffline(true);
    await launcher.click();
    await page.waitForFunction(inWidget(`root.querySelector('.panel:not(.parked) .log') !== null`));
    await page.context().setOffline(false);
    await page.waitForFunction(inWidget(`root.querySelector('.state-text')?.textContent === 'Connected'`));
    await page.context().close();
  });

  it('runs the built fallback worker from /parley/ where there is no SharedWorker', async () => {
    const page: Page = await (await browser.newContext()).newPage();
    requests.length = 0;
    await page.goto(`${siteUrl}/?room=subpath-fallback&no-shared-worker`);
    await page.waitForFunction(inWidget(`root.querySelector('.state-text')?.textContent === 'Connected'`));
    assert.ok(requests.some((p) => /^\/parley\/assets\/tab\.worker-.*\.js$/.test(p)), requests.join());
    assert.ok(!requests.some((p) => /engine\.worker-/.test(p)), 'the SharedWorker script is not fetched');
    await page.context().close();
  });

  it('says the chat could not start when the worker script is missing, and logs why', async () => {
    hideWorker = true;
    const page: Page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${siteUrl}/?room=missing-worker`);
    await page.waitForFunction(inWidget(`root.querySelector('[role=alert]')?.textContent.includes('The chat could not start')`), undefined, { timeout: 15_000 });
    assert.ok(errors.some((e) => /\[parley\] engine "parley" did not start: The engine worker script/.test(e)), errors.join('\n'));
    hideWorker = false;
    await page.context().close();
  });
});
