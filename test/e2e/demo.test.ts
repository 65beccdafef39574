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

  it('follows a stream at the bottom, and leaves a reader who turns the wheel up where they went', async () => {
    const ann = await visit('Cy');
    const bob = await visit('Dee');
    /** Dee sends messages `from` to `to` - 1, one a frame (about 16 ms apart), as fast as a busy room. */
    const stream = (from: number, to: number) =>
      bob.evaluate(
        async ({ from, to }) => {
          const chat = document.querySelector('parley-chat')!;
          for (let i = from; i < to; i++) {
            void chat.send(`stream ${i}`);
            await new Promise((r) => requestAnimationFrame(r));
          }
        },
        { from, to },
      );
    const log = ann.locator('parley-chat .log');
    const fromBottom = () => log.evaluate((l) => l.scrollHeight - l.scrollTop - l.clientHeight);
    const pill = ann.locator('parley-chat .new-pill');

    await stream(0, 40);
    await shows(ann, 'stream 39');
    await ann.waitForFunction(() => {
      const l = document.querySelector('parley-chat')!.shadowRoot!.querySelector('.log')!;
      return l.scrollHeight - l.scrollTop - l.clientHeight < 2;
    });
    assert.equal(await pill.count(), 0, 'no "new messages" pill while following');

    // A real wheel over the list (Playwright's mouse, through the browser's input), mid-stream.
    await log.hover();
    const streaming = stream(40, 80);
    await ann.mouse.wheel(0, -600);
    await streaming;
    await pill.waitFor({ timeout: 5_000 });
    await ann.waitForFunction(() => document.querySelector('parley-chat')!.messages.some((m) => m.text === 'stream 79'));
    // The list went on without the reader: it did not pull them back down, in the frames in
    // which it lays out and follows the last line (widget/message-list/scroll-keeper.ts).
    await ann.evaluate(async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => requestAnimationFrame(r));
    });
    assert.ok((await fromBottom()) > 300, `left where the wheel went, ${await fromBottom()} px above the bottom`);
    assert.match((await pill.textContent()) ?? '', /\d+ new messages?/);
    await ann.screenshot({ path: join(tmpdir(), 'parley-demo-reader-pill.png') });

    await pill.click();
    await shows(ann, 'stream 79');
    await ann.waitForFunction(() => {
      const l = document.querySelector('parley-chat')!.shadowRoot!.querySelector('.log')!;
      return l.scrollHeight - l.scrollTop - l.clientHeight < 2;
    });
    await pill.waitFor({ state: 'detached', timeout: 5_000 });
  });

  it('sends a picture to the other visitor, and refuses at once a kind of file its upload server does not keep', async () => {
    const ann = await visit('Eve');
    const bob = await visit('Fay');
    const picker = ann.locator('parley-chat input.picker');
    // The paperclip offers what demo/upload.ts keeps (demo/file-types.ts), not the widget's wider default.
    assert.match((await picker.getAttribute('accept')) ?? '', /^image\/png,.*application\/pdf$/);
    // What a drop or a paste could bring past the picker: refused in the chat, before any upload.
    await picker.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain text') });
    const alert = ann.locator('parley-chat .error[role=alert]');
    await alert.waitFor({ timeout: 5_000 });
    assert.match((await alert.textContent()) ?? '', /^“notes\.txt” cannot be sent: this chat accepts image\/png/);
    // A 1×1 PNG goes through, and Fay sees it drawn from the demo server.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    await picker.setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png });
    await ann.locator('parley-chat .tray').getByText('dot.png').waitFor({ timeout: 5_000 });
    await ann.locator('parley-chat textarea').press('Enter');
    const image = bob.locator('parley-chat img.att-full.loaded');
    await image.waitFor({ timeout: 15_000 });
    const urls = await bob.evaluate(() => document.querySelector('parley-chat')!.messages.flatMap((m) => m.attachments ?? []).map((a) => a.url));
    assert.deepEqual(urls.map((url) => new URL(url).origin + new URL(url).pathname.slice(0, 7)), [`http://localhost:${PORT}/files/`]);
    assert.equal(await image.evaluate((img: HTMLImageElement) => img.naturalWidth), 1);
  });

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((done) => server.once('exit', done));
    server.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.match(demo.output(), /Stopping/);
  });
});
