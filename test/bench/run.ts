/**
 * `npm run bench`: figures the issues ask for, measured rather than asserted.
 * - bundle sizes (gzip -9) of every built file, from `vite build`;
 * - relay: acked messages per second and ack latency (p50/p95) for one Node client;
 * - engine: messages per second from the widget's Send to the relay's ack, through the
 *   SharedWorker, IndexedDB outbox and relay, in Debian's Chromium.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoServer } from '../../demo/server.ts';
import { launchChromium } from '../support/chromium.ts';
import { RelayClient } from '../support/relay-client.ts';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

console.log('== bundle sizes ==');
const build = execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], { encoding: 'utf8' });
console.log(build.slice(build.indexOf('file sizes')));

const server = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'parley-bench-')) });
try {
  console.log('== relay ==');
  const N = 5_000;
  const client = await RelayClient.connect(server.relayUrl, 'bench');
  client.send({ type: 'join', room: 'bench' });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  client.ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; id?: string };
    if (frame.type === 'ack' && frame.id) latencies.push(performance.now() - sentAt.get(frame.id)!);
  });
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    const id = `b-${i}`;
    sentAt.set(id, performance.now());
    client.send({ type: 'msg', id, room: 'bench', text: `message ${i}`, ts: Date.now() });
  }
  while (latencies.length < N) await new Promise((r) => setTimeout(r, 10));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(`${N} messages acked in ${seconds.toFixed(2)} s: ${Math.round(N / seconds)} msg/s; ack latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms (pipelined)`);
  const sequential: number[] = [];
  for (let i = 0; i < 500; i++) {
    const id = `s-${i}`;
    const t0 = performance.now();
    client.send({ type: 'msg', id, room: 'bench', text: `one at a time ${i}`, ts: Date.now() });
    await client.next((f) => f.type === 'ack' && f.id === id);
    sequential.push(performance.now() - t0);
  }
  sequential.sort((a, b) => a - b);
  console.log(`one at a time: ack latency p50 ${percentile(sequential, 50).toFixed(2)} ms, p95 ${percentile(sequential, 95).toFixed(2)} ms`);
  client.close();

  console.log('== engine (widget → SharedWorker → IndexedDB → relay → ack) ==');
  const browser = await launchChromium();
  const page = await browser.newPage();
  page.on('crash', () => console.error('The bench page crashed.'));
  await page.goto(`${server.url}/?user=Bench&room=engine-bench`);
  await page.waitForFunction(() => document.querySelector('parley-chat')?.shadowRoot?.querySelector('.state-text')?.textContent === 'Connected');
  const M = Number(process.env.BENCH_MESSAGES ?? 300);
  // A string, so that the bundler's helpers (esbuild's __name) are not needed in the page.
  const ms = (await page.evaluate(`(async (count) => {
    const root = document.querySelector('parley-chat').shadowRoot;
    const box = root.querySelector('textarea');
    const button = root.querySelector('button.primary');
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      box.value = 'engine ' + i;
      button.click();
      while (box.value !== '') await new Promise((r) => setTimeout(r, 0));
    }
    while (root.querySelectorAll('.status[data-status="sent"]').length < count) await new Promise((r) => setTimeout(r, 5));
    return performance.now() - t0;
  })(${M})`)) as number;
  console.log(`${M} messages typed, stored and acked in ${(ms / 1000).toFixed(2)} s: ${Math.round(M / (ms / 1000))} msg/s`);
  await browser.close();
} finally {
  await server.close();
}
