import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { Backoff } from '../../worker/backoff.ts';
import { faultScale } from '../support/fault-scale.ts';
import { reportFaults, type FaultRow } from '../support/fault-table.ts';

/**
 * A relay restart with 1 000 clients reconnecting (issue 12), against the real relay. One
 * browser per client is far too heavy for this machine, and N SharedWorker engines in one
 * browser would share one renderer's event loop and measure that, not the policy; so each client
 * here is a bare WebSocket that reconnects with the engine's own policy: worker/backoff.ts with
 * the engine's defaults (EngineOptions: backoffBase 500 ms, backoffCap 30 s, the attempt count
 * reset after stableAfter 10 s open), as worker/connection.ts uses it. The relay's own counter of
 * WebSocket upgrades (demo/server.ts `relayOpens`) is what "the relay sees".
 */
const DEFAULTS = { base: 500, cap: 30_000, stableAfter: 10_000 };
/** How long the relay is down, ms: long enough that every client fails at least once. */
const DOWN_MS = 2_000;
const SAMPLE_MS = 50;

class Client {
  #ws?: WebSocket;
  #timer?: NodeJS.Timeout;
  #stable?: NodeJS.Timeout;
  #stopped = false;
  welcomed = false;
  readonly backoff: Backoff;

  constructor(
    readonly url: string,
    readonly user: string,
    random: () => number,
    /**
     * When each connection attempt was due by the backoff, ms since the epoch, shared by all
     * clients: the policy's times, which a busy event loop (two test suites on two cores) would
     * otherwise bunch up as its late timers fire together.
     */
    readonly attempts: number[],
  ) {
    this.backoff = new Backoff({ base: DEFAULTS.base, cap: DEFAULTS.cap, random });
  }

  connect(due = Date.now()): void {
    this.attempts.push(due);
    const ws = new WebSocket(this.url);
    this.#ws = ws;
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'hello', v: 1, user: this.user }));
      this.#stable = setTimeout(() => this.backoff.reset(), DEFAULTS.stableAfter);
    });
    ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'welcome') this.welcomed = true;
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.welcomed = false;
      clearTimeout(this.#stable);
      if (this.#stopped) return;
      const delay = this.backoff.next();
      const due = Date.now() + delay;
      this.#timer = setTimeout(() => this.connect(due), delay);
    });
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#stable);
    this.#ws?.terminate();
  }
}

const until = async (done: () => boolean, timeout: number, what: string) => {
  const end = Date.now() + timeout;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

interface Figures {
  /** Most upgrades the relay accepted in any 1 s window after the restart. */
  peakPerSecond: number;
  /** Most connection attempts due by the backoff in any 100 ms window after the restart, per second. */
  offeredPeak: number;
  /** From the restart to the last client back, ms. */
  allBackMs: number;
  /** When half and 90 % of the clients had reconnected, ms after the restart. */
  p50: number;
  p90: number;
}

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Connects `n` clients, restarts the relay under them, and measures the reconnects it sees. */
async function restartUnder(n: number, random: () => number): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-stampede-'));
  dirs.push(dataDir);
  let server: DemoServer = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir, staticDir: dataDir });
  const { port } = server;
  const attempts: number[] = [];
  const clients = Array.from({ length: n }, (_, i) => new Client(server.relayUrl, `user-${i}`, random, attempts));
  try {
    for (const c of clients) c.connect();
    await until(() => clients.every((c) => c.welcomed), 60_000, `${n} clients welcomed`);
    await server.close();
    await new Promise((r) => setTimeout(r, DOWN_MS));
    server = await startDemoServer({ port, host: '127.0.0.1', dataDir, staticDir: dataDir });
    const restarted = Date.now();
    const samples: { at: number; opens: number; back: number }[] = [];
    const current = server;
    const sampler = setInterval(() => samples.push({ at: Date.now() - restarted, opens: current.stats().relayOpens, back: clients.filter((c) => c.welcomed).length }), SAMPLE_MS);
    await until(() => clients.every((c) => c.welcomed), 120_000, `${n} clients back`).finally(() => clearInterval(sampler));
    const allBackMs = Date.now() - restarted;
    samples.push({ at: allBackMs, opens: server.stats().relayOpens, back: n });
    const window = Math.round(1_000 / SAMPLE_MS);
    let peakPerSecond = samples[Math.min(window, samples.length) - 1]!.opens;
    for (let i = window; i < samples.length; i++) peakPerSecond = Math.max(peakPerSecond, samples[i]!.opens - samples[i - window]!.opens);
    const when = (share: number) => samples.find((s) => s.back >= n * share)?.at ?? allBackMs;
    // Attempts due once the relay listens, in 100 ms windows: what its accept queue would meet.
    const after = attempts.filter((t) => t >= restarted).sort((a, b) => a - b);
    let offered = 0;
    for (let i = 0, j = 0; i < after.length; i++) {
      while (after[i]! - after[j]! >= 100) j++;
      offered = Math.max(offered, i - j + 1);
    }
    return { peakPerSecond, offeredPeak: offered * 10, allBackMs, p50: when(0.5), p90: when(0.9) };
  } finally {
    for (const c of clients) c.stop();
    await server.close();
  }
}

const rows: FaultRow[] = [];
after(() => reportFaults('Stampede: a relay restart under many clients', rows, 'test-results/fault-stampede.md'));

describe('a relay restart under many clients', () => {
  it('does not stampede: full jitter spreads the reconnects the relay sees', async () => {
    const n = faultScale().stampedeClients;
    const jitter = await restartUnder(n, Math.random);
    // The same clients without jitter (each waits its whole ceiling): what the jitter saves.
    const lockstep = await restartUnder(n, () => 0.999);
    const describe = (f: Figures) =>
      `attempts peak ${f.offeredPeak}/s (100 ms window); relay accepted peak ${f.peakPerSecond}/s (1 s window); half back at ${(f.p50 / 1000).toFixed(1)} s, 90 % at ${(f.p90 / 1000).toFixed(1)} s, all at ${(f.allBackMs / 1000).toFixed(1)} s`;
    rows.push({ scenario: `relay restart, ${n} clients, ${DOWN_MS / 1000} s down`, transport: 'relay (engine backoff, full jitter)', sent: 0, received: 0, lost: 0, duplicated: 0, recoverMs: jitter.allBackMs, note: describe(jitter) });
    rows.push({ scenario: `relay restart, ${n} clients, ${DOWN_MS / 1000} s down`, transport: 'relay (same backoff, no jitter)', sent: 0, received: 0, lost: 0, duplicated: 0, recoverMs: lockstep.allBackMs, note: describe(lockstep) });
    console.log(`jitter: ${describe(jitter)}\nno jitter: ${describe(lockstep)}`);
    // Lockstep clients all knock within one instant; jittered ones spread their attempts. What
    // the relay accepts per second is capped by how fast it takes upgrades on this machine (it
    // shares the process with the clients), so the offered attempts are what tell them apart.
    assert.ok(jitter.offeredPeak <= lockstep.offeredPeak / 2, `jitter at least halves the peak of attempts: ${jitter.offeredPeak}/s against ${lockstep.offeredPeak}/s`);
    assert.ok(jitter.p90 - jitter.p50 >= 300, `jittered reconnects spread: ${describe(jitter)}`);
  });
});
