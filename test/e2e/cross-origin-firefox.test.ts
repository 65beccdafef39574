import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { html, startEmbedSite, type EmbedSite, type Handler } from './embed-site.ts';

/**
 * The cross-origin embed in Firefox ESR: page on 127.0.0.1, widget on localhost, through
 * bridge.html. Firefox's Total Cookie Protection partitions the bridge's storage, and so its
 * SharedWorker, by top-level site (docs/embedding.md, "Storage partitioning").
 */
let relay: DemoServer;
let widget: EmbedSite;
let host: EmbedSite;
let otherHost: EmbedSite;
let browser: Browser;

const page = (): Handler => (req, res) => {
  const room = new URL(req.url!, 'http://x').searchParams.get('room') ?? 'x';
  html(`<script async src="${widget.url}/parley/loader.js" data-server="${relay.relayUrl}" data-room="${room}" data-load="eager"></script>`)(req, res);
};

before(async () => {
  relay = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'parley-xo-ff-')) });
  widget = await startEmbedSite({}, 'localhost');
  host = await startEmbedSite({ '/': page() }, '127.0.0.1');
  otherHost = await startEmbedSite({ '/': page() }, '127.0.0.2');
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', headless: true });
});
after(async () => {
  await browser?.close();
  for (const s of [host, otherHost, widget]) await s?.close();
  await relay?.close();
});

const inPanel = (condition: string) =>
  `(() => { const chat = document.querySelector('[data-parley]')?.shadowRoot?.querySelector('parley-chat'); const root = chat?.shadowRoot; return !!root && (${condition}); })()`;
const CONNECTED = inPanel(`root.querySelector('.state-text')?.textContent === 'Connected'`);

async function visit(url: string): Promise<Page> {
  const tab = await browser.newPage();
  const errors: string[] = [];
  tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await tab.goto(url);
  await tab.evaluate(`document.querySelector('[data-parley]').shadowRoot.querySelector('button[part=launcher]').click()`);
  await tab.waitForFunction(CONNECTED, { timeout: 15_000 }).catch((e: Error) => {
    throw new Error(`${e.message}; console: ${errors.join(' | ')}`);
  });
  return tab;
}

describe('widget on another origin, in Firefox ESR', () => {
  it('shares one socket between two tabs of a site, and opens another for a second site', async () => {
    const opens = relay.stats().relayOpens;
    const one = await visit(`${host.url}/?room=ff`);
    await visit(`${host.url}/?room=ff`);
    assert.equal(relay.stats().relayOpens - opens, 1, 'one socket for two tabs of one site');
    await one.evaluate(inPanel(`(root.querySelector('textarea').value = 'firefox across origins', root.querySelector('button.primary').click(), true)`));
    await one.waitForFunction(inPanel(`root.querySelector('.status')?.dataset.status === 'sent'`));

    await visit(`${otherHost.url}/?room=ff`);
    assert.equal(relay.stats().relayOpens - opens, 2, 'the other site gets its own engine (partitioned)');
  });
});
