import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser as ChromiumBrowser } from 'playwright-core';
import puppeteer, { type Browser as FirefoxBrowser, type Page as FirefoxPage } from 'puppeteer-core';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { launchChromium } from '../support/chromium.ts';
import type { ServerFrame } from '../../worker/transports/json/wire.ts';
import { RelayClient } from '../support/relay-client.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

/**
 * Reloading the only tab, in a real top-level page (an iframe never shows the worker's
 * lifetime, docs/platform.md). Chromium keeps the engine and its socket (`extendedLifetime`,
 * widget/engine-client/shared.ts); Firefox starts a new engine, and the durable outbox sends what
 * was queued before the reload, once.
 */
let server: DemoServer;
const widget = (condition: string) =>
  `(() => { const root = document.querySelector('parley-chat')?.shadowRoot; return !!root && (${condition}); })()`;
const CONNECTED = widget(`root.querySelector('.state-text')?.textContent === 'Connected'`);

before(async () => {
  server = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'parley-reload-')) });
});
after(() => server?.close());

describe('reload in Chromium', () => {
  let browser: ChromiumBrowser;
  before(async () => (browser = await launchChromium()));
  after(() => browser?.close());

  it('keeps the one relay socket across a reload of the only tab', async () => {
    const page = await (await browser.newContext()).newPage();
    const opensBefore = server.stats().relayOpens;
    await page.goto(`${server.url}/?user=Rey&room=reload-chromium`);
    await page.waitForFunction(CONNECTED);
    assert.equal(server.stats().relayOpens - opensBefore, 1);

    await page.reload();
    await page.waitForFunction(CONNECTED);
    await page.locator('parley-chat textarea').fill('after the reload');
    await page.locator('parley-chat textarea').press('Enter');
    await page.waitForFunction(widget(`root.querySelector('.status')?.dataset.status === 'sent'`));
    assert.equal(server.stats().relayOpens - opensBefore, 1, 'no new socket for the reload');
    assert.equal(server.stats().relayClients, 1);
    await page.context().close();
  });
});

describe('reload in Firefox ESR (no extendedLifetime)', () => {
  let browser: FirefoxBrowser;
  let proxy: TcpProxy;
  before(async () => {
    browser = await puppeteer.launch({ browser: 'firefox', executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', headless: true });
    proxy = await TcpProxy.start({ port: server.port });
  });
  after(async () => {
    await browser?.close();
    await proxy?.close();
  });

  const texts = (page: FirefoxPage) =>
    page.evaluate(`[...document.querySelector('parley-chat').shadowRoot.querySelectorAll('.message .text')].map((t) => t.textContent)`) as Promise<string[]>;

  it('sends a message queued just before the reload once, from a new engine', async () => {
    const room = 'reload-firefox';
    const watcher = await RelayClient.connect(server.relayUrl, 'Watcher');
    watcher.send({ type: 'join', room });
    await watcher.next((f) => f.type === 'joined');
    const page = await browser.newPage();
    await page.goto(`${server.url}/?user=Fox&room=${room}&relay=${encodeURIComponent(`ws://127.0.0.1:${proxy.port}/relay`)}`);
    await page.waitForFunction(CONNECTED, { timeout: 15_000 });
    // The room too, not only the link: a send waits for its room's join, and a join still
    // unanswered when the link goes silent is never answered (the message stays queued).
    await page.waitForFunction(`document.querySelector('parley-chat')?.session?.joined === true`, { timeout: 15_000 });
    const opensBefore = server.stats().relayOpens;

    // The link goes silent: the message is stored and written to the socket, but never arrives.
    proxy.set('blackhole');
    await page.evaluate(widget(`(root.querySelector('textarea').value = 'queued before the reload', root.querySelector('button.primary').click(), true)`));
    await page.waitForFunction(widget(`root.querySelector('.status')?.dataset.status === 'sending'`));
    proxy.set('forward');
    await page.reload();

    await page.waitForFunction(widget(`root.querySelector('.status')?.dataset.status === 'sent'`), { timeout: 15_000 });
    const got = await watcher.next<Extract<ServerFrame, { type: 'msg' }>>((f) => f.type === 'msg' && f.text === 'queued before the reload');
    assert.equal(server.stats().relayOpens - opensBefore, 1, 'Firefox opens a new socket after a reload');
    // Another visitor of the room, arriving now, is sent the room's history: one copy.
    const late = await RelayClient.connect(server.relayUrl, 'Late');
    late.send({ type: 'join', room });
    await late.next((f) => f.type === 'joined');
    assert.deepEqual(
      late.frames.filter((f) => f.type === 'msg').map((f) => (f as { id: string }).id),
      [got.id],
    );
    assert.deepEqual(await texts(page), ['queued before the reload']);
    assert.equal(watcher.frames.filter((f) => f.type === 'msg').length, 1);
    watcher.close();
    late.close();
  });
});
