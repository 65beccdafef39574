import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectAsync, type MqttClient } from 'mqtt';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.ts';
import { faultScale } from '../support/fault-scale.ts';
import { reportFaults, type FaultRow } from '../support/fault-table.ts';
import { RelayClient } from '../support/relay-client.ts';

/**
 * The fault matrix's hidden tab (issue 12): the demo page sits in a background tab with Chrome's
 * intensive wake-up throttling on, while a peer keeps talking. Nothing may drop (the heartbeat
 * runs in the engine's SharedWorker, which the throttling of a hidden page must not starve) and
 * nothing may be missed. In `npm test` the page is hidden 20 s, throttled after 5 s; in
 * `npm run test:soak` 10 minutes, throttled after Chrome's own 5 minutes
 * (test/support/fault-scale.ts). Chromium only: the throttling is Chrome's.
 *
 * The page is hidden as a real background tab (a new tab activated in its window, over the
 * DevTools protocol). puppeteer's default flags switch background throttling off, so they are
 * dropped here; the test measures a chained 1 s timer in the page to show that the throttling
 * did apply (aligned wake-ups leave gaps far longer than 1 s).
 */
const scale = faultScale();
const rows: FaultRow[] = [];
let server: DemoServer;
let browser: Browser;
let dataDir: string;

const widget = (expr: string) => `(() => { const chat = document.querySelector('parley-chat'); const root = chat?.shadowRoot; return !!root && (${expr}); })()`;
const texts = (page: Page) => page.evaluate(widget(`chat.messages.map((m) => m.text)`)) as Promise<string[]>;
const reconnects = async (page: Page) => {
  await page.evaluate(widget('(chat.session.refreshHealth(), true)'));
  await new Promise((r) => setTimeout(r, 200));
  return (await page.evaluate(widget('chat.session.health?.reconnects ?? -1'))) as number;
};

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-hidden-'));
  server = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir });
  browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    ignoreDefaultArgs: ['--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
    args: [...CHROMIUM_ARGS, `--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/${scale.throttleGraceS}`],
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
  reportFaults(`Fault matrix, end-to-end (hidden tab${scale.soak ? ', soak' : ''})`, rows, `test-results/fault-matrix-hidden${scale.soak ? '-soak' : ''}.md`);
});

/** A peer in the room that is not a browser: a relay client, or an MQTT client publishing as Parley does (docs/mqtt.md). */
async function peer(protocol: 'websocket' | 'mqtt', room: string): Promise<{ say(text: string): Promise<void>; close(): Promise<void> }> {
  if (protocol === 'websocket') {
    const client = await RelayClient.connect(server.relayUrl, 'Pia');
    client.send({ type: 'join', room });
    await client.next((f) => f.type === 'joined');
    return {
      say: async (text) => {
        const id = randomUUID();
        client.send({ type: 'msg', room, id, text, ts: Date.now() });
        await client.next((f) => f.type === 'ack' && (f as { id?: string }).id === id);
      },
      close: async () => client.close(),
    };
  }
  const client: MqttClient = await connectAsync(server.mqttUrl, { clientId: `pia-${randomUUID().slice(0, 8)}`, reconnectPeriod: 0 });
  return {
    say: async (text) => void (await client.publishAsync(`parley/rooms/${room}`, JSON.stringify({ id: randomUUID(), from: 'pia', text, ts: Date.now() }), { qos: 1 })),
    close: async () => void (await client.endAsync()),
  };
}

describe('fault matrix: a hidden tab under intensive wake-up throttling', () => {
  for (const protocol of ['websocket', 'mqtt'] as const) {
    it(`keeps the link and misses nothing (${protocol})`, { timeout: scale.hiddenMs + 120_000 }, async () => {
      const room = `hidden-${randomUUID().slice(0, 8)}`;
      const page = await browser.newPage();
      await page.goto(`${server.url}/?user=Hidi&room=${room}`);
      if (protocol === 'mqtt') await page.select('select[name=protocol]', 'mqtt');
      await page.waitForFunction(widget(`root.querySelector('.state-text')?.textContent === 'Connected' && chat.session.joined`), { timeout: 20_000 });
      const pia = await peer(protocol, room);
      const dropsBefore = await reconnects(page);
      const opensBefore = server.stats().relayOpens;
      await page.evaluate(`window.faultTicks = []; (function tick() { window.faultTicks.push(performance.now()); setTimeout(tick, 1000); })();
        window.faultVisibility = []; document.addEventListener('visibilitychange', () => window.faultVisibility.push(document.visibilityState));`);

      const cdp = await browser.target().createCDPSession();
      const other = await cdp.send('Target.createTarget', { url: 'about:blank', newWindow: false });
      await cdp.send('Target.activateTarget', other);
      assert.equal(await page.evaluate('document.visibilityState'), 'hidden', 'the demo page is hidden');
      const hiddenAt = Date.now();
      const said: string[] = [];
      const every = 5_000;
      for (let i = 1; Date.now() - hiddenAt < scale.hiddenMs; i++) {
        await new Promise((r) => setTimeout(r, Math.min(every, scale.hiddenMs - (Date.now() - hiddenAt))));
        said.push(`${protocol} while hidden ${i}`);
        await pia.say(said.at(-1)!);
      }
      // The ticks, and now: a timer held back until after the read leaves its gap open at the end.
      const ticks = (await page.evaluate('[...window.faultTicks, performance.now()].map((t) => t - window.faultTicks[0])')) as number[];
      const hiddenFor = Date.now() - hiddenAt;
      await cdp.send('Target.closeTarget', other);
      await page.bringToFront();
      const shownAt = Date.now();
      await page.waitForFunction(widget(`${JSON.stringify(said)}.every((t) => chat.messages.some((m) => m.text === t))`), { timeout: 30_000 }).catch(() => undefined);
      const recoverMs = Date.now() - shownAt;
      const got = await texts(page);
      const drops = (await reconnects(page)) - dropsBefore;
      const gaps = ticks.map((t, i) => (i ? t - ticks[i - 1]! : 0));
      const longest = Math.max(...gaps, 0) / 1000;
      rows.push({
        scenario: `hidden tab ${Math.round(hiddenFor / 1000)} s, throttled`,
        transport: protocol === 'websocket' ? 'relay' : 'aedes (demo)',
        sent: said.length,
        received: said.filter((t) => got.includes(t)).length,
        lost: said.filter((t) => !got.includes(t)).length,
        duplicated: got.length - new Set(got).size,
        recoverMs,
        note: `page timer: ${ticks.length - 1} of ~${Math.round(hiddenFor / 1000)} 1 s ticks, longest gap ${longest.toFixed(0)} s; link drops ${drops}; visibility ${(await page.evaluate('window.faultVisibility.join()')) as string}`,
      });
      await pia.close();
      await cdp.detach();
      await page.close();
      assert.deepEqual(said.filter((t) => !got.includes(t)), [], 'no message missed');
      assert.equal(got.length, new Set(got).size, 'nothing shown twice');
      assert.equal(drops, 0, 'no false disconnect');
      if (protocol === 'websocket') assert.equal(server.stats().relayOpens, opensBefore, 'the same relay socket throughout');
      // The throttling did apply: a chained 1 s timer in the hidden page was held back for
      // longer than ordinary background throttling (1 wake-up a second) ever would. Checked in
      // the soak's 10 minutes; in the short run Chrome sometimes had not started it within the
      // 20 s (seen once in a CI run: 18 of 20 ticks), so there the row's note says whether it did.
      if (scale.soak) assert.ok(longest >= 10, `the page's timers were throttled: longest gap ${longest} s`);
    });
  }
});
