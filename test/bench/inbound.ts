import type { Browser, Page } from 'playwright-core';
import type { DemoServer } from '../../demo/server.ts';
import { connectionKey, conversationKey } from '../../worker/api.ts';
import { startBurstSource, type BurstSource } from './burst-source.ts';
import { benchContext, blankPage, enginePage, now, type PageBench } from './page.ts';
import { repeat, type Row, type Section } from './results.ts';

const TABS = 3;
/** The user the tabs read as. */
const READER = 'reader';
/** Records per transaction of the raw IndexedDB baseline. */
const BATCH = 250;

/**
 * Item 5: `count` messages pushed by the server to a room that 3 tabs of one engine show, in
 * msg/s: until all are in the engine's IndexedDB (counted from tab 1, polled every 20 ms), and
 * until all have reached the UI's model (the engine's `message` events) in every tab. Baseline:
 * raw IndexedDB bulk writes of the same records (the engine's own for this burst, in a store
 * with worker/db.ts's key path and indexes), one transaction per BATCH records, in a page of
 * the same profile: the practical limit.
 *
 * The server is a bench-only source of the JSON protocol (test/bench/burst-source.ts) that
 * pushes pre-serialised frames, not the demo relay: the relay, which stores and acks each
 * message a Node client sends it, fed 2.2–4.7 k msg/s, under raw IndexedDB's ~9 k, so it was
 * the limit being measured. The source's own rate, into a bare WebSocket in a page of the same
 * browser (each frame parsed, nothing stored), is reported beside the figures: the engine
 * cannot go faster than that.
 */
export async function measureInbound(server: DemoServer, browser: Browser, reps: number, count: number, limit: number): Promise<Section> {
  const stored: number[] = [];
  const shown: number[] = [];
  const raw: number[] = [];
  const sourceRate: number[] = [];
  const source = await startBurstSource();
  try {
    await repeat(reps, async (rep) => {
      const context = await benchContext(browser, server.url);
      try {
        const engine = `inbound-${rep}-${Date.now()}`;
        const room = `burst-${engine}`;
        const conversation = conversationKey(connectionKey({ protocol: 'websocket', url: source.url, user: READER }), room);
        raw.push(await rawBulk(await blankPage(context, server.url), `raw-bulk-${rep}`, { count, room, conversation }));
        sourceRate.push(await bareSocket(await blankPage(context, server.url), source, `bare-${rep}-${Date.now()}`, count));
        const tabs: Page[] = [];
        for (let i = 0; i < TABS; i++) tabs.push(await enginePage(context, server.url, engine));
        for (const [i, tab] of tabs.entries()) await tab.evaluate(watch, { url: source.url, user: READER, room, count, engine, first: i === 0 });
        const burst = source.prepare(room, count, room);
        const t0 = now();
        const pushed = burst.send();
        const done = await Promise.all(tabs.map((tab, i) => tab.evaluate(finished, { countStored: i === 0, limit })));
        await pushed;
        stored.push(count / ((done[0]!.stored! - t0) / 1000));
        shown.push(count / ((Math.max(...done.map((d) => d.shown)) - t0) / 1000));
      } finally {
        await context.close();
      }
    });
  } finally {
    await source.close();
  }
  const baseline = { name: `raw IndexedDB bulk writes, ${BATCH} per transaction`, samples: raw };
  const target = { kind: 'ratio' as const, bound: 0.5, text: 'at least 50% of raw bulk IndexedDB' };
  const note = 'pushed by test/bench/burst-source.ts (pre-serialised frames), not through the demo relay';
  const rows: Row[] = [
    { item: 5, name: `inbound burst: ${count} pushed, all in IndexedDB`, unit: 'msg/s', direction: 'higher', samples: stored, baseline, target, note },
    { item: 5, name: `inbound burst: ${count} pushed, all in the UI model of ${TABS} tabs`, unit: 'msg/s', direction: 'higher', samples: shown, baseline, target, note },
    { item: 5, name: `inbound burst source's own rate: ${count} into a bare WebSocket page`, unit: 'msg/s', direction: 'higher', samples: sourceRate, note },
  ];
  return { rows };
}

/**
 * The source's own rate: a page with one plain WebSocket joined to a room receives `count`
 * pushed messages and parses each (what any reader must do), storing nothing; msg/s from the
 * push until the last arrives.
 */
async function bareSocket(page: Page, source: BurstSource, room: string, count: number): Promise<number> {
  const ready = page.evaluate(
    ({ url, room, count }) =>
      new Promise<void>((joined) => {
        const ws = new WebSocket(url);
        let seen = 0;
        const w = window as unknown as { bare: Promise<number> };
        w.bare = new Promise<number>((done) => {
          ws.onmessage = (e) => {
            const frame = JSON.parse(e.data as string) as { type: string };
            if (frame.type === 'joined') joined();
            if (frame.type === 'msg' && ++seen === count) done(performance.timeOrigin + performance.now());
          };
        });
        ws.onopen = () => {
          ws.send(JSON.stringify({ type: 'hello', v: 1, user: 'bare' }));
          ws.send(JSON.stringify({ type: 'join', room }));
        };
      }),
    { url: source.url, room, count },
  );
  await ready;
  const burst = source.prepare(room, count, room);
  const t0 = now();
  await burst.send();
  const last = await page.evaluate(() => (window as unknown as { bare: Promise<number> }).bare);
  await page.close();
  return count / ((last - t0) / 1000);
}

interface Watch {
  url: string;
  user: string;
  room: string;
  count: number;
  engine: string;
  /** Only the tab that opens the room first gets its `joined` event. */
  first: boolean;
}

/** In each tab: open the room, and note when the `count`th message event arrives. */
async function watch({ url, user, room, count, engine, first }: Watch): Promise<void> {
  const w = window as unknown as { bench: PageBench; burst: Burst };
  const joined = new Promise<void>((resolve) => {
    const off = w.bench.client.on((e) => e.type === 'joined' && (off(), resolve()));
  });
  const { conversation } = await w.bench.client.api.open({ protocol: 'websocket', url, user }, room);
  if (first) await joined;
  const burst = { shown: undefined as unknown as Promise<number>, seen: 0, count, engine, conversation };
  burst.shown = new Promise<number>((resolve) =>
    w.bench.client.on((e) => e.type === 'message' && e.message.conversation === conversation && ++burst.seen === count && resolve(performance.timeOrigin + performance.now())),
  );
  w.burst = burst;
}

interface Burst {
  shown: Promise<number>;
  /** Message events of the burst's conversation so far. */
  seen: number;
  count: number;
  engine: string;
  conversation: string;
}

/**
 * Resolves when the burst is all shown (and, in tab 1, all stored), with the page times;
 * fails after `limit` ms saying how far it got, so that a stall is a figure too.
 */
async function finished({ countStored, limit }: { countStored: boolean; limit: number }): Promise<{ shown: number; stored?: number }> {
  const { burst } = window as unknown as { burst: Burst };
  const end = performance.now() + limit;
  let n = 0;
  const late = () => new Error(`after ${limit} ms, ${burst.seen} of ${burst.count} messages had reached a tab${countStored ? ` and ${n} were stored` : ''}`);
  let stored: number | undefined;
  if (countStored) {
    const db = await new Promise<IDBDatabase>((open, fail) => {
      // worker/engine-host.ts names the database after the engine.
      const req = indexedDB.open(`parley:${burst.engine}`);
      req.onsuccess = () => open(req.result);
      req.onerror = () => fail(req.error);
    });
    const range = IDBKeyRange.bound([burst.conversation, ''], [burst.conversation, '\uffff']);
    for (;;) {
      n = await new Promise<number>((done) => {
        const req = db.transaction('messages').objectStore('messages').count(range);
        req.onsuccess = () => done(req.result);
      });
      if (n >= burst.count) break;
      if (performance.now() > end) throw late();
      await new Promise((r) => setTimeout(r, 20));
    }
    stored = performance.timeOrigin + performance.now();
    db.close();
  }
  const timeout = new Promise<never>((_, fail) => setTimeout(() => fail(late()), Math.max(0, end - performance.now())));
  return { shown: await Promise.race([burst.shown, timeout]), stored };
}

/**
 * The baseline: the records the engine stores for this burst, byte for byte (the same
 * conversation key, ids, fields and order; a record's `name` is absent, as the source sends
 * none), in a store with worker/db.ts's key path and indexes, BATCH per transaction; msg/s.
 */
const rawBulk = (page: Page, name: string, burst: { count: number; room: string; conversation: string }): Promise<number> =>
  page.evaluate(
    async ({ name, burst: { count, room, conversation }, batch }) => {
      const db = await new Promise<IDBDatabase>((open) => {
        const req = indexedDB.open(name, 1);
        req.onupgradeneeded = () => {
          const store = req.result.createObjectStore('messages', { keyPath: ['conversation', 'id'] });
          store.createIndex('by-conversation-order', ['conversation', 'order', 'id']);
          store.createIndex('by-queue', 'queue');
        };
        req.onsuccess = () => open(req.result);
      });
      const ts = Date.now();
      const t0 = performance.now();
      for (let start = 0; start < count; start += batch) {
        const tx = db.transaction('messages', 'readwrite');
        for (let i = start; i < Math.min(count, start + batch); i++)
          tx.objectStore('messages').put({ id: `${room}-${i}`, room, from: 'pusher', text: `burst ${i}`, ts, cursor: { kind: 'seq', seq: i + 1 }, conversation, mine: false, order: i + 1 });
        await new Promise((done) => (tx.oncomplete = done));
      }
      const ms = performance.now() - t0;
      db.close();
      return count / (ms / 1000);
    },
    { name, burst, batch: BATCH },
  );
