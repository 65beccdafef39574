import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startDemoProcess, type DemoProcess } from '../support/demo-process.ts';
import { freePorts } from '../support/free-port.ts';

/**
 * `npm run demo:xmpp` as a visitor meets it: the production build (dist/), whose engine loads
 * the XMPP chunk with xmpp.js bundled for the browser, against the Prosody the script starts.
 */
let demo: DemoProcess;
let xmppPort = 0;
let browser: Browser;

const texts = (page: Page) =>
  page.evaluate(() => [...(document.querySelector('parley-chat')?.shadowRoot?.querySelectorAll('.message .text') ?? [])].map((t) => t.textContent));

async function visit(name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const xmpp = `ws://127.0.0.1:${xmppPort}/xmpp-websocket`;
  await page.goto(`${demo.url}/?user=${name}&room=e2e-${demo.port}&xmpp=${encodeURIComponent(xmpp)}`);
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
    const [port, xmpp] = await freePorts(2);
    xmppPort = xmpp!;
    demo = await startDemoProcess('demo/xmpp.ts', { PORT: String(port), XMPP_PORT: String(xmppPort) });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    // SIGTERM, so that the script also stops its Prosody.
    demo?.child.kill('SIGTERM');
  });

  it('lets two visitors chat in a MUC room through the built XMPP chunk', async () => {
    assert.match(demo.output(), /Prosody: ws:\/\/127\.0\.0\.1:\d+\/xmpp-websocket/);
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
