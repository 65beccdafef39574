/**
 * `npm run bench` (issue 13): every figure beside its baseline, measured in the same run, in
 * Debian's Chromium against the local servers. Prints a table, writes bench/results.json and
 * bench/report.html. Asserts nothing about speed. Environment:
 * - BENCH_REPS: repetitions of each timed measurement (default 3);
 * - BENCH_MESSAGES: messages of the send path and of the outbox drain (default 1 000);
 * - BENCH_TYPED: messages typed into the demo page's widget (default 300);
 * - BENCH_HOP: round trips of the worker-hop latency (default 1 000);
 * - BENCH_BURST: messages of the inbound burst (default 10 000);
 * - BENCH_MQTT_BURST: messages of the inbound burst over MQTT (default 1 000);
 * - BENCH_STORED: messages stored before the history measurement (default 100 000);
 * - BENCH_ONLY: comma-separated item numbers to run (default all);
 * - BENCH_STEP_TIMEOUT: ms after which a measurement that has not finished is reported as
 *   failed, and the next one starts (default 300 000);
 * - BENCH_NO_BUILD=1: measure dist/ as it is, without building it first (to compare two
 *   builds: copy each into dist/ in turn).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoServer } from '../../demo/server.ts';
import { launchChromium } from '../support/chromium.ts';
import { measureHop } from './hop-latency.ts';
import { measureInbound } from './inbound.ts';
import { measureInboundMqtt } from './inbound-mqtt.ts';
import { measureOutboxDrain } from './outbox-drain.ts';
import { measureRecovery } from './recovery.ts';
import { measureHistory } from './history.ts';
import { measureLoader } from './loader-trace.ts';
import { measureTypedSend } from './typed-send.ts';
import { analyseMqttChunk } from './mqtt-analysis.ts';
import { headline, printTable, writeHtml, writeJson } from './report.ts';
import type { Section } from './results.ts';
import { measureSendPath } from './send-path.ts';
import { measureSizes } from './sizes.ts';
import { measureSockets } from './sockets.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const reps = env('BENCH_REPS', 3);
const only = process.env.BENCH_ONLY?.split(',').map(Number);
const wanted = (item: number) => !only || only.includes(item);
const stepLimit = env('BENCH_STEP_TIMEOUT', 300_000);

if (process.env.BENCH_NO_BUILD !== '1') {
  console.log('Building dist/ …');
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
}

const sections: Section[] = [];
const step = async (item: number, what: string, run: () => Promise<Section>) => {
  if (!wanted(item)) return;
  const t0 = performance.now();
  process.stdout.write(`item ${item}: ${what} … `);
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`no result in ${stepLimit} ms`)), stepLimit)));
    sections.push(await Promise.race([run(), limit]).finally(() => clearTimeout(timer)));
    console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    // One measurement that breaks must not lose the others' figures; the report says which.
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    console.log(`FAILED: ${why}`);
    sections.push({ rows: [], tables: [{ title: `Item ${item} (${what}) gave no figure: ${why}`, head: [], body: [] }] });
  }
};

await step(1, 'sizes', () => measureSizes());
await step(1, 'MQTT chunk analysis', () => analyseMqttChunk());

const server = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'parley-bench-')) });
const browser = await launchChromium();
try {
  await step(4, 'send path', () => measureSendPath(server, browser, reps, env('BENCH_MESSAGES', 1_000)));
  await step(4, 'typed in the widget, relay one at a time', () => measureTypedSend(server, browser, reps, env('BENCH_TYPED', 300)));
  await step(3, 'worker hop latency', () => measureHop(server, browser, reps, env('BENCH_HOP', 1_000)));
  await step(2, 'sockets per tab count', () => measureSockets(server, browser));
  await step(5, 'inbound burst', () => measureInbound(server, browser, reps, env('BENCH_BURST', 10_000), stepLimit / reps));
  await step(5, 'inbound burst over MQTT', () => measureInboundMqtt(server, browser, reps, env('BENCH_MQTT_BURST', 1_000)));
  await step(7, 'outbox drain', () => measureOutboxDrain(server, browser, reps, env('BENCH_MESSAGES', 1_000)));
  await step(8, 'recovery', () => measureRecovery(server, browser, reps));
  await step(9, 'loader trace', () => measureLoader(server, browser, reps));
  await step(6, 'history', () => measureHistory(server, browser, reps, env('BENCH_STORED', 100_000)));
} finally {
  await browser.close();
  await server.close();
}

const meta = { date: new Date().toISOString(), reps, machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Chromium ${browser.version()}` };
console.log('');
printTable(sections);
console.log(`\n${headline(sections.flatMap((s) => s.rows))}`);
writeJson('bench/results.json', meta, sections);
writeHtml('bench/report.html', meta, sections);
console.log('Wrote bench/results.json and bench/report.html.');
