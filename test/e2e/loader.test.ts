import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import type { ServerFrame } from '../../worker/transports/json/wire.ts';
import { launchChromium } from '../support/chromium.ts';
import { RelayClient } from '../support/relay-client.ts';
import { html, startEmbedSite, STUB, type EmbedSite } from './embed-site.ts';

/** The one-line embed: `<script async src=".../loader.js" data-…>` on a site, in Chromium. */
let relay: DemoServer;
let site: EmbedSite;
let browser: Browser;
/** When set, the site answers 404 for parley.js, as a half-copied dist/ would. */
let hideParley = false;

const tag = (q: URLSearchParams) => {
  const protocol = q.get('protocol') ?? 'websocket';
  const server = protocol === 'mqtt' ? relay.mqttUrl : relay.relayUrl;
  return `<script async src="/parley/loader.js" data-server="${server}" data-protocol="${protocol}" data-room="${q.get('room') ?? 'help'}"></script>`;
};

before(async () => {
  relay = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'parley-loader-')) });
  site = await startEmbedSite({
    '/lazy': (req, res) => html(`<h1>A shop</h1>${tag(new URL(req.url!, 'http://x').searchParams)}`)(req, res),
    '/queued': (req, res) => {
      const q = new URL(req.url!, 'http://x').searchParams;
      html(`<script>${STUB}
window.got = []; window.ignored = [];
Parley('on', 'message', function (m) { got.push(m.from + ': ' + m.text); });
var off = Parley('on', 'message', function (m) { ignored.push(m.text); }); off();
Parley('identify', { id: 'u-1', name: 'Quinn', signature: 'sig' });
Parley('send', 'queued early');
Parley('open');
</script>${tag(q)}`)(req, res);
    },
  }, '127.0.0.1', 0, (req, res) => {
    if (!hideParley || !req.url?.startsWith('/parley/parley.js')) return false;
    res.writeHead(404).end();
    return true;
  });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.close();
  await relay?.close();
});

const inPanel = (condition: string) =>
  `(() => { const chat = document.querySelector('[data-parley]')?.shadowRoot?.querySelector('parley-chat'); const root = chat?.shadowRoot; return !!root && (${condition}); })()`;
const idle = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestIdleCallback(() => requestIdleCallback(() => r()))));
const sum = (entries: { bytes: number }[]) => entries.reduce((n, e) => n + e.bytes, 0);

describe('script-tag loader', () => {
  for (const protocol of ['websocket', 'mqtt']) {
    it(`draws the launcher at once and loads the UI and engine only when reached for (${protocol})`, async () => {
      const page = await (await browser.newContext()).newPage();
      const from = site.log.length;
      await page.goto(`${site.url}/lazy?protocol=${protocol}&room=lazy-${protocol}`);
      await page.locator('[data-parley] button[part=launcher]').waitFor();
      await idle(page);
      const before = site.log.slice(from);
      assert.deepEqual(before.map((e) => e.path), ['/lazy', '/parley/loader.js'], 'nothing but the loader before the visitor acts');

      await page.locator('[data-parley] button[part=launcher]').hover();
      await page.waitForFunction(inPanel('true'));
      await page.locator('[data-parley] button[part=launcher]').click();
      await page.waitForFunction(inPanel(`root.querySelector('.state-text')?.textContent === 'Connected'`));
      assert.equal(await page.locator('[data-parley] button[part=launcher]').getAttribute('aria-expanded'), 'true');
      const opened = site.log.slice(from);
      const paths = opened.map((e) => e.path);
      assert.ok(paths.includes('/parley/parley.js'));
      assert.ok(paths.some((p) => /engine\.worker-/.test(p)), paths.join());
      assert.ok(paths.some((p) => (protocol === 'mqtt' ? /\/mqtt-/ : /\/json-/).test(p)), paths.join());
      console.log(`# bytes (${protocol}): before opening ${sum(before)} (loader ${before[1]!.bytes}), after opening ${sum(opened)}`);
      await page.context().close();
    });
  }

  it("shows the element's unread count on the launcher until the panel opens", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${site.url}/lazy?room=unread`);
    const launcher = page.locator('[data-parley] button[part=launcher]');
    await launcher.waitFor();
    // What <parley-chat> reports when messages came while the visitor was away.
    await page.evaluate(() =>
      document.querySelector('[data-parley]')!.shadowRoot!.querySelector('parley-chat')!.dispatchEvent(new CustomEvent('parley-unread', { detail: { count: 3 } })),
    );
    assert.equal(await launcher.getAttribute('aria-label'), 'Chat: unread, 3 unread');
    assert.equal(await page.locator('[data-parley] .badge').textContent(), '3');
    await launcher.click();
    assert.equal(await page.locator('[data-parley] .badge').isVisible(), false);
    assert.equal(await launcher.getAttribute('aria-label'), 'Chat: unread');
    await page.context().close();
  });

  it('keeps the closed panel drawn and unread, opens it at the newest line, and closes it from its close button and Escape', async () => {
    const room = 'parked';
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${site.url}/lazy?room=${room}`);
    await page.evaluate(() => {
      const w = window as unknown as { toggles: string[]; Parley: (...a: unknown[]) => unknown };
      w.toggles = [];
      for (const event of ['open', 'close']) w.Parley('on', event, () => w.toggles.push(event));
    });
    const launcher = page.locator('[data-parley] button[part=launcher]');
    await launcher.hover();
    await page.waitForFunction(inPanel(`chat.conversation !== undefined`));
    const peer = await RelayClient.connect(relay.relayUrl, 'Pat');
    peer.send({ type: 'join', room });
    await peer.next((f) => f.type === 'joined');
    for (let i = 1; i <= 30; i++) peer.send({ type: 'msg', id: crypto.randomUUID(), room, text: `parked ${i}`, ts: Date.now() });
    await page.locator('[data-parley] .badge', { hasText: '30' }).waitFor();
    // Drawn while the page is idle, hidden: the newest line is in the parked list before any click.
    await page.waitForFunction(inPanel(`[...root.querySelectorAll('.panel.parked .message')].some((m) => m.textContent.includes('parked 30'))`));
    const newest = page.locator('[data-parley] parley-chat .message', { hasText: 'parked 30' });
    assert.equal(await newest.isVisible(), false, 'hidden while closed');
    assert.equal(await page.locator('[data-parley] .badge').textContent(), '30', 'nothing read while closed');

    await launcher.click();
    await newest.waitFor({ state: 'visible' });
    await page.locator('[data-parley] .badge').waitFor({ state: 'hidden' });
    await page.waitForFunction(inPanel(`root.activeElement?.tagName === 'TEXTAREA'`));
    await page.keyboard.press('Escape');
    await newest.waitFor({ state: 'hidden' });
    assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.evaluate(() => document.querySelector('[data-parley]')!.shadowRoot!.activeElement?.getAttribute('part')), 'launcher', 'focus back on the launcher');
    await page.evaluate(() => (window as unknown as { Parley: (c: string) => void }).Parley('open'));
    await newest.waitFor({ state: 'visible' });
    await page.locator('[data-parley] parley-chat button.close').click();
    await newest.waitFor({ state: 'hidden' });
    assert.deepEqual(await page.evaluate(() => (window as unknown as { toggles: string[] }).toggles), ['open', 'close', 'open', 'close']);
    peer.close();
    await page.context().close();
  });

  it('costs the host page little main-thread time, by a performance trace', async () => {
    const page = await (await browser.newContext()).newPage();
    await browser.startTracing(page, { categories: ['devtools.timeline', 'v8.execute'] });
    await page.goto(`${site.url}/lazy?room=trace`);
    await page.locator('[data-parley] button[part=launcher]').waitFor();
    await idle(page);
    const trace = JSON.parse((await browser.stopTracing()).toString()) as {
      traceEvents: { name: string; ph: string; dur?: number; tdur?: number; args?: { data?: { url?: string } } }[];
    };
    // Complete events on the main thread that ran the loader's code: its evaluation (which
    // draws the launcher) and any callback it registered.
    const mine = trace.traceEvents.filter(
      (e) => e.ph === 'X' && ['EvaluateScript', 'FunctionCall', 'v8.compile'].includes(e.name) && e.args?.data?.url?.endsWith('/parley/loader.js'),
    );
    // Thread time (`tdur`), not wall time: on a busy machine the thread may wait for a core.
    const ms = mine.reduce((n, e) => n + (e.tdur ?? e.dur ?? 0), 0) / 1000;
    const wall = mine.reduce((n, e) => n + (e.dur ?? 0), 0) / 1000;
    console.log(`# loader main-thread time: ${ms.toFixed(1)} ms CPU (${wall.toFixed(1)} ms wall) in ${mine.length} trace events`);
    assert.ok(mine.some((e) => e.name === 'EvaluateScript'), 'the trace shows the loader running');
    assert.ok(ms < 50, `${ms} ms`);
    await page.context().close();
  });

  it('says so in the panel when parley.js cannot load, reports parley-error, and Retry recovers', async () => {
    hideParley = true;
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${site.url}/lazy?room=broken`);
    await page.evaluate(() => {
      const w = window as unknown as { reported: unknown[] };
      w.reported = [];
      document.querySelector('[data-parley]')!.shadowRoot!.addEventListener('parley-error', (e) => w.reported.push((e as CustomEvent).detail));
    });
    await page.locator('[data-parley] button[part=launcher]').click();
    const alert = page.locator('[data-parley] [role=alert]');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /The chat could not start\. Check your connection, then try again\./);
    const reported = (await page.evaluate(() => (window as unknown as { reported: { code: string; detail: string }[] }).reported))[0]!;
    assert.equal(reported.code, 'engine-start');
    assert.match(reported.detail, /parley\.js did not load/);
    assert.ok(errors.some((e) => /\[parley\] .*parley\.js did not load/.test(e)), errors.join('\n'));

    hideParley = false;
    await alert.getByRole('button', { name: 'Retry' }).click();
    await page.waitForFunction(inPanel(`root.querySelector('.state-text')?.textContent === 'Connected'`));
    assert.equal(await alert.count(), 0);
    await page.context().close();
  });

  it('runs calls queued before it loaded, in order, and none is lost', async () => {
    const room = 'queued';
    const watcher = await RelayClient.connect(relay.relayUrl, 'Watcher');
    watcher.send({ type: 'join', room });
    await watcher.next((f) => f.type === 'joined');
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${site.url}/queued?room=${room}`);

    const sent = await watcher.next<Extract<ServerFrame, { type: 'msg' }>>((f) => f.type === 'msg' && f.text === 'queued early', 15_000);
    assert.equal(sent.from, 'u-1', 'identify ran before send: the id says who wrote it');
    assert.equal(sent.name, 'Quinn', 'and the name is what others see');
    assert.equal(await page.locator('[data-parley] button[part=launcher]').getAttribute('aria-expanded'), 'true', 'open ran');
    await page.waitForFunction(inPanel(`root.querySelector('.state-text')?.textContent === 'Connected'`));
    watcher.send({ type: 'msg', id: crypto.randomUUID(), room, text: 'hello Quinn', ts: Date.now() });
    await page.waitForFunction(() => (window as unknown as { got: string[] }).got.includes('Watcher: hello Quinn'));
    assert.deepEqual(await page.evaluate(() => (window as unknown as { ignored: string[] }).ignored), [], 'an unsubscribed listener hears nothing');
    assert.equal(watcher.frames.filter((f) => f.type === 'msg' && f.text === 'queued early').length, 1);

    const result = await page.evaluate(() => {
      const P = (window as unknown as { Parley: (...a: unknown[]) => unknown }).Parley;
      const errors: string[] = [];
      for (const bad of [['send', '  '], ['identify', {}], ['nonsense']])
        try {
          const r = P(...bad);
          if (r instanceof Promise) r.catch((e: Error) => errors.push(e.message));
        } catch (e) {
          errors.push((e as Error).message);
        }
      return errors;
    });
    assert.deepEqual(result, [
      'Parley("identify", { id, name, signature }): id must be a non-empty string.',
      'Parley("nonsense"): unknown command; see docs/embedding.md.',
    ]);
    await page.evaluate(() => (window as unknown as { Parley: (c: string) => void }).Parley('shutdown'));
    assert.equal(await page.locator('[data-parley]').count(), 0);
    watcher.close();
    await page.context().close();
  });
});
