import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';

/**
 * `npm run demo:xmpp` as a visitor meets it: the production build (dist/), whose engine loads
 * the XMPP chunk with xmpp.js bundled for the browser, against the Prosody the script starts.
 */
const PORT = 19_000 + Math.floor(Math.random() * 1000);
const XMPP_PORT = PORT + 1000;
let server: ChildProcess;
let output = '';
let browser: Browser;

const texts = (page: Page) =>
  page.evaluate(() => [...(document.querySelector('parley-chat')?.shadowRoot?.querySelectorAll('.message .text') ?? [])].map((t) => t.textContent));

async function visit(name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const xmpp = `ws://127.0.0.1:${XMPP_PORT}/xmpp-websocket`;
  await page.goto(`http://localhost:${PORT}/?user=${name}&room=e2e-${PORT}&xmpp=${encodeURIComponent(xmpp)}`);
  await page.selectOption('select[name=protocol]', 'xmpp');
  await page.waitForFunction(
    () => document.querySelector('parley-chat')?.shadowRoot?.querySelector('.state-text')?.textContent === 'Connected',
    undefined,
    { timeout: 20_000 },
  );
  return page;
}

describe('demo with XMPP (npm run demo:xmpp)', () => {
  before(async () => {
    server = spawn(process.execPath, ['--import', 'tsx', 'demo/xmpp.ts'], {
      env: { ...process.env, PORT: String(PORT), XMPP_PORT: String(XMPP_PORT), PARLEY_DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-e2e-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (d) => (output += d));
    server.stderr!.on('data', (d) => (output += d));
    const end = Date.now() + 20_000;
    while (!output.includes(`http://localhost:${PORT}`)) {
      if (Date.now() > end || server.exitCode !== null) throw new Error(`demo:xmpp did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    // SIGTERM, so that the script also stops its Prosody.
    server?.kill('SIGTERM');
  });

  it('lets two visitors chat in a MUC room through the built XMPP chunk', async () => {
    assert.match(output, /Prosody: ws:\/\/127\.0\.0\.1:\d+\/xmpp-websocket/);
    const ann = await visit('Ann');
    const bob = await visit('Bob');
    await ann.locator('parley-chat textarea').fill('Hi Bob, over XMPP');
    await ann.locator('parley-chat textarea').press('Enter');
    await bob.waitForFunction(() =>
      [...(document.querySelector('parley-chat')?.shadowRoot?.querySelectorAll('.text') ?? [])].some((t) => t.textContent === 'Hi Bob, over XMPP'),
    );
    await bob.locator('parley-chat textarea').fill('Hello Ann');
    await bob.locator('parley-chat textarea').press('Enter');
    await ann.waitForFunction(() =>
      [...(document.querySelector('parley-chat')?.shadowRoot?.querySelectorAll('.text') ?? [])].some((t) => t.textContent === 'Hello Ann'),
    );
    assert.deepEqual(await texts(ann), ['Hi Bob, over XMPP', 'Hello Ann']);
  });
});
