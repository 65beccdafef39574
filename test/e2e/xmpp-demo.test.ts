import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startDemoProcess, type DemoProcess } from '../support/demo-process.ts';
import { freePorts } from '../support/free-port.ts';
import { connected, say, shows, widgetTexts as texts } from '../support/e2e-page.ts';

/**
 * `npm run demo:xmpp` as a visitor meets it: the production build (dist/), whose engine loads
 * the XMPP chunk with xmpp.js bundled for the browser, against the Prosody the script starts.
 */
let demo: DemoProcess;
let xmppPort = 0;
let browser: Browser;

async function visit(name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const xmpp = `ws://127.0.0.1:${xmppPort}/xmpp-websocket`;
  await page.goto(`${demo.url}/?user=${name}&room=e2e-${demo.port}&xmpp=${encodeURIComponent(xmpp)}`);
  await page.selectOption('select[name=protocol]', 'xmpp');
  await connected(page, 20_000);
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
    await say(ann, 'Hi Bob, over XMPP');
    await shows(bob, 'Hi Bob, over XMPP');
    await say(bob, 'Hello Ann');
    await shows(ann, 'Hello Ann');
    assert.deepEqual(await texts(ann), ['Hi Bob, over XMPP', 'Hello Ann']);
  });
});
