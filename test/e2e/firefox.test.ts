import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';

/**
 * The same widget in Debian's Firefox ESR, driven over WebDriver BiDi by puppeteer-core:
 * SharedWorker, IndexedDB and Web Locks behave there as in Chromium.
 */
let server: DemoServer;
let browser: Browser;

const inWidget = <T>(page: Page, fn: string) =>
  page.evaluate(`(() => { const root = document.querySelector('parley-chat').shadowRoot; ${fn} })()`) as Promise<T>;
const texts = (page: Page) => inWidget<string[]>(page, `return [...root.querySelectorAll('.message .text')].map((t) => t.textContent);`);
const until = (page: Page, condition: string) =>
  page.waitForFunction(`(() => { const root = document.querySelector('parley-chat')?.shadowRoot; return !!root && (${condition}); })()`, { timeout: 15_000 });
const connected = (page: Page) => until(page, `root.querySelector('.state-text')?.textContent === 'Connected'`);

describe('Firefox ESR', () => {
  before(async () => {
    server = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'parley-ff-')) });
    browser = await puppeteer.launch({ browser: 'firefox', executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', headless: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shares one engine and one relay connection between two tabs, and keeps history across a reload', async () => {
    const url = `${server.url}/?user=Fox&room=firefox`;
    const one = await browser.newPage();
    const two = await browser.newPage();
    await one.goto(url);
    await two.goto(url);
    await connected(one);
    await connected(two);
    assert.equal(server.stats().relayClients, 1);

    await inWidget(one, `root.querySelector('textarea').value = 'hello from Firefox'; root.querySelector('button.primary').click();`);
    await until(two, `[...root.querySelectorAll('.message .text')].some((t) => t.textContent === 'hello from Firefox')`);
    await until(one, `root.querySelector('.status')?.dataset.status === 'sent'`);

    await two.reload();
    await until(two, `root.querySelectorAll('.message .text').length === 1`);
    assert.deepEqual(await texts(two), ['hello from Firefox']);
  });
});
