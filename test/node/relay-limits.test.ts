import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TokenBucket } from '../../demo/relay-guards.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import type { ServerFrame } from '../../worker/transports/json/wire.ts';
import { RelayClient } from '../support/relay-client.ts';

type ErrorFrame = Extract<ServerFrame, { type: 'error' }>;
type AckFrame = Extract<ServerFrame, { type: 'ack' }>;

/** Resolves with the close code and reason of the client's socket. */
const closed = (c: RelayClient) =>
  new Promise<{ code: number; reason: string }>((done) => c.ws.once('close', (code, reason) => done({ code, reason: reason.toString() })));

describe('relay limits', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-limits-'));
  let server: DemoServer;
  before(async () => {
    server = await startDemoServer({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      staticDir: dataDir,
      allowedOrigins: ['https://shop.example'],
      limits: { maxConnectionsPerIp: 3, messagesPerSecond: 20, messageBurst: 5 },
    });
  });
  after(() => server.close());

  it('refuses a page from an origin that is not on the list, for good, and says which', async () => {
    const c = await RelayClient.raw(server.relayUrl, 'https://evil.example');
    const end = closed(c);
    const error = await c.next<ErrorFrame>((f) => f.type === 'error');
    assert.equal(error.code, 'origin');
    assert.equal(error.fatal, true);
    assert.match(error.message, /https:\/\/evil\.example/);
    assert.deepEqual(await end, { code: 1008, reason: 'origin' });
    const allowed = await RelayClient.connect(server.relayUrl, 'Ann', undefined, 'https://shop.example');
    assert.equal(allowed.frames[0]?.type, 'welcome');
    // The server's own pages (and the engine its bridge starts) always may.
    const own = await RelayClient.connect(server.relayUrl, 'Bob', undefined, new URL(server.url).origin);
    assert.equal(own.frames[0]?.type, 'welcome');
    await Promise.all([allowed, own].map((c) => {
      const end = closed(c);
      c.close();
      return end;
    }));
  });

  it('caps the sockets one address may hold, and admits again once one closes', async () => {
    const open = await Promise.all([1, 2, 3].map((i) => RelayClient.connect(server.relayUrl, `u${i}`)));
    const fourth = await RelayClient.raw(server.relayUrl);
    const end = closed(fourth);
    const error = await fourth.next<ErrorFrame>((f) => f.type === 'error');
    assert.equal(error.code, 'too-many-connections');
    assert.notEqual(error.fatal, true, 'worth a retry later');
    assert.equal((await end).code, 1013);
    const gone = closed(open[0]!);
    open[0]!.close();
    await gone;
    // The relay counts the close when its side sees it; give it that moment by retrying.
    let again: RelayClient | undefined;
    for (let i = 0; i < 20 && !again; i++) {
      const c = await RelayClient.connect(server.relayUrl, 'u4');
      if (c.frames[0]?.type === 'welcome') again = c;
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(again, 'a socket is admitted after one closed');
    // Closed on both sides before the next test counts this address's sockets again.
    await Promise.all([...open.slice(1), again].map((c) => {
      const end = closed(c);
      c.close();
      return end;
    }));
  });

  it('slows a burst over the rate instead of refusing it: every message acked once, in order, with one notice', async () => {
    const ann = await RelayClient.connect(server.relayUrl, 'Ann');
    ann.send({ type: 'join', room: 'fast' });
    await ann.next((f) => f.type === 'joined');
    const started = Date.now();
    const ids = Array.from({ length: 25 }, (_, i) => `burst-${i}`);
    for (const id of ids) ann.send({ type: 'msg', id, room: 'fast', text: id, ts: 0 });
    // A ping over the limit is answered at once: the link stays alive while messages wait.
    ann.send({ type: 'ping' });
    await ann.next((f) => f.type === 'pong', 500);
    await ann.next((f) => f.type === 'ack' && f.id === ids.at(-1), 5_000);
    const acks = ann.frames.filter((f): f is AckFrame => f.type === 'ack');
    assert.deepEqual(acks.map((a) => a.id), ids, 'each acked once, in the order sent');
    assert.deepEqual(acks.map((a) => a.seq), [...acks.map((a) => a.seq)].sort((a, b) => a - b));
    // 5 at once, then 20 more at 20 a second: about a second.
    assert.ok(Date.now() - started >= 900, `the burst took ${Date.now() - started} ms`);
    const notices = ann.frames.filter((f): f is ErrorFrame => f.type === 'error' && f.code === 'rate-limited');
    assert.equal(notices.length, 1);
    assert.match(notices[0]!.message, /20 a second/);
    ann.close();
  });
});

describe('token bucket', () => {
  it('allows the burst, then one message per 1/rate s', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 2, () => now);
    assert.equal(bucket.take(), 0);
    assert.equal(bucket.take(), 0);
    assert.equal(bucket.take(), 100, 'the third waits 100 ms at 10 a second');
    now = 100;
    assert.equal(bucket.take(), 0);
    now = 10_000;
    assert.equal(bucket.take(), 0);
    assert.equal(bucket.take(), 0);
    assert.ok(bucket.take() > 0, 'a long pause refills only up to the burst');
  });
});
