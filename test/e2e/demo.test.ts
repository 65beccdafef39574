import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startDemoProcess, type DemoProcess } from '../support/demo-process.ts';
import { connected, say, shows, widgetTexts as messages } from '../support/e2e-page.ts';

/** The demo as a visitor meets it: `npm start`'s server (built files in dist/), real Chromium. */
let PORT = 0;
let demo: DemoProcess;
let server: ChildProcess;
let browser: Browser;

async function startDemo(): Promise<void> {
  demo = await startDemoProcess('demo/main.ts');
  server = demo.child;
  PORT = demo.port;
}

const state = (page: Page) => page.locator('parley-chat .state-text').textContent();

async function visit(name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`http://localhost:${PORT}/?user=${encodeURIComponent(name)}&room=e2e-${PORT}`);
  await connected(page);
  return page;
}

describe('demo server (npm start)', () => {
  before(async () => {
    await startDemo();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    server?.kill('SIGKILL');
  });

  it('serves a page on which two visitors chat', async () => {
    assert.match(demo.output(), new RegExp(`Parley demo: http://localhost:${PORT}`));
    const ann = await visit('Ann');
    const bob = await visit('Bob');
    await say(ann, 'Hi Bob, this is Ann');
    await shows(bob, 'Hi Bob, this is Ann');
    // Bob uses the Send button, Ann the Enter key.
    await bob.locator('parley-chat textarea').fill('Hello Ann!');
    await bob.locator('parley-chat button.primary').click();
    await shows(ann, 'Hello Ann!');
    assert.deepEqual(await messages(ann), ['Hi Bob, this is Ann', 'Hello Ann!']);
    assert.deepEqual(await messages(bob), ['Hi Bob, this is Ann', 'Hello Ann!']);
    assert.equal(await state(ann), 'Connected');
    await ann.screenshot({ path: join(tmpdir(), 'parley-demo-ann.png') });
  });

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((done) => server.once('exit', done));
    server.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.match(demo.output(), /Stopping/);
  });
});
