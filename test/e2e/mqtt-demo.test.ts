import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startDemoProcess, type DemoProcess } from '../support/demo-process.ts';
import { waitFor } from '../support/wait.ts';
import { connected, joined, say, shows } from '../support/e2e-page.ts';

/**
 * The demo (`npm start`, built files in dist/) with MQTT: a page on the JSON protocol never
 * fetches mqtt.js; choosing MQTT fetches it and chats through the embedded aedes broker.
 * The server logs each request (PARLEY_LOG_REQUESTS): the engine's imports happen inside a
 * SharedWorker, which a page's network events may not show.
 */
let PORT = 0;
let demo: DemoProcess;
let server: ChildProcess;
let browser: Browser;

/** Built chunks that hold mqtt.js, found by a string only mqtt.js contains. */
const mqttChunks = (): string[] =>
  readdirSync('dist/assets')
    .filter((f) => f.endsWith('.js') && readFileSync(join('dist/assets', f), 'utf8').includes('MQTTJS_VERSION'))
    .map((f) => `/assets/${f}`);

const requested = (): string[] => [...demo.output().matchAll(/^GET (\S+)$/gm)].map((m) => m[1]!);

async function startDemo(): Promise<void> {
  demo = await startDemoProcess('demo/main.ts', { PARLEY_LOG_REQUESTS: '1' });
  server = demo.child;
  PORT = demo.port;
}

async function visit(name: string, room: string): Promise<{ page: Page; seen: string[] }> {
  const context = await browser.newContext();
  const seen: string[] = [];
  context.on('request', (r) => seen.push(new URL(r.url()).pathname));
  const page = await context.newPage();
  await page.goto(`http://localhost:${PORT}/?user=${encodeURIComponent(name)}&room=${room}`);
  await connected(page);
  return { page, seen };
}

describe('demo server with MQTT', () => {
  before(async () => {
    await startDemo();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    server?.kill('SIGKILL');
  });

  it('loads mqtt.js only when a visitor chooses MQTT, then chats over the embedded broker', async () => {
    const chunks = mqttChunks();
    assert.ok(chunks.length > 0, 'the build has a chunk with mqtt.js in it');
    const room = `e2e-mqtt-${PORT}`;

    const ann = await visit('Ann', room);
    // Connected means the engine has loaded its transport: what it would import, it has asked for.
    const jsonOnly = await waitFor(() => {
      const paths = requested();
      return paths.some((p) => /\/assets\/json-.*\.js$/.test(p)) && paths;
    }, 5_000, 'the JSON transport chunk in the server log');
    assert.ok(jsonOnly.some((p) => /\/assets\/engine\.worker-.*\.js$/.test(p)), `the engine was fetched: ${jsonOnly.join(' ')}`);
    assert.ok(jsonOnly.some((p) => /\/assets\/json-.*\.js$/.test(p)), 'the JSON transport was fetched');
    assert.deepEqual(jsonOnly.filter((p) => chunks.includes(p)), [], 'the JSON-only page fetched no mqtt.js');
    assert.deepEqual(jsonOnly.filter((p) => /\/assets\/xmpp[-.]/.test(p)), [], 'nor the XMPP transport');
    assert.ok(readdirSync('dist/assets').some((f) => /^xmpp-.*\.js$/.test(f)), 'the build has an XMPP chunk to leave out');

    await ann.page.locator('select[name=protocol]').selectOption('mqtt');
    // The widget may still say Connected over JSON for a moment: wait for the chunk itself.
    await waitFor(() => requested().some((p) => chunks.includes(p)), 15_000, `choosing MQTT to fetch ${chunks.join(', ')}`);
    await connected(ann.page);
    console.log(`page-level request events saw the MQTT chunk: ${ann.seen.some((p) => chunks.includes(p))}`);

    const bob = await visit('Bob', room);
    await bob.page.locator('select[name=protocol]').selectOption('mqtt');
    await connected(bob.page);
    // Connected comes with the CONNACK; the room is live once the SUBACK is in.
    await joined(bob.page);
    await say(ann.page, 'Hi Bob, over MQTT');
    await shows(bob.page, 'Hi Bob, over MQTT');
  });
});
