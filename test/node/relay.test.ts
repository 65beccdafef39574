import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { RelayClient } from '../support/relay-client.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-relay-'));
let server: DemoServer;
let port = 0;
const start = async () => {
  server = await startDemoServer({ port, host: '127.0.0.1', dataDir, staticDir: dataDir });
  port = server.port;
};

describe('demo relay', () => {
  before(start);
  after(() => server.close());

  it('delivers a message to a second client and acks the sender', async () => {
    const ann = await RelayClient.connect(server.relayUrl, 'Ann');
    const bob = await RelayClient.connect(server.relayUrl, 'Bob');
    for (const c of [ann, bob]) c.send({ type: 'join', room: 'r1' });
    await new Promise((r) => setTimeout(r, 100));
    ann.send({ type: 'msg', id: 'm-1', room: 'r1', text: 'hello', ts: 1 });
    const ack = await ann.next((f) => f.type === 'ack');
    const got = await bob.next((f) => f.type === 'msg' && f.id === 'm-1');
    assert.deepEqual(ack, { type: 'ack', id: 'm-1', seq: ack.type === 'ack' ? ack.seq : 0, ts: (ack as { ts: number }).ts });
    assert.equal(got.type === 'msg' && got.from, 'Ann');
    assert.equal(got.type === 'msg' && got.text, 'hello');
    assert.equal(ann.frames.filter((f) => f.type === 'msg').length, 0, 'the sender is not sent its own message');
    ann.close();
    bob.close();
  });

  it('acks a resent id again with the same seq and does not show it twice', async () => {
    const ann = await RelayClient.connect(server.relayUrl, 'Ann');
    const bob = await RelayClient.connect(server.relayUrl, 'Bob');
    for (const c of [ann, bob]) c.send({ type: 'join', room: 'r2' });
    await new Promise((r) => setTimeout(r, 100));
    ann.send({ type: 'msg', id: 'dup-1', room: 'r2', text: 'once', ts: 1 });
    ann.send({ type: 'msg', id: 'dup-1', room: 'r2', text: 'once', ts: 1 });
    await ann.next((f) => f.type === 'ack' && ann.frames.filter((g) => g.type === 'ack').length === 2);
    const acks = ann.frames.filter((f) => f.type === 'ack') as { seq: number }[];
    assert.equal(acks[0]!.seq, acks[1]!.seq);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(bob.frames.filter((f) => f.type === 'msg').length, 1);
    ann.close();
    bob.close();
  });

  it('answers malformed, oversized and out-of-order frames with a specific error and stays up', async () => {
    const c = await RelayClient.connect(server.relayUrl, 'Zed');
    type ErrorFrame = { type: 'error'; code: string; message: string; id?: string };
    c.ws.send('{not json');
    const bad = await c.next<ErrorFrame>((f) => f.type === 'error');
    assert.equal(bad.code, 'bad-frame');
    assert.match(bad.message, /not valid JSON/);
    c.send({ type: 'msg', id: 'x1', room: 'nowhere', text: 'hi', ts: 1 });
    assert.equal((await c.next<ErrorFrame>((f) => f.type === 'error' && f.id === 'x1')).code, 'not-joined');
    c.send({ type: 'join', room: 'r3' });
    c.send({ type: 'msg', id: 'x2', room: 'r3', text: 'a'.repeat(10_001), ts: 1 });
    const tooLong = await c.next<ErrorFrame>((f) => f.type === 'error' && f.id === 'x2');
    assert.equal(tooLong.code, 'too-long');
    // Wrong types in every field the relay reads: each gets an error, none stops the relay.
    for (const hostile of [
      { type: 'older', room: {}, before: 'x', limit: [] },
      { type: 'join', room: { $gt: '' } },
      { type: 'typing', room: ['r3'], typing: 'yes' },
      { type: 'msg', id: 7, room: 'r3', text: 'x' },
      { type: 'msg', id: 'x3', room: 'r3', text: { toString: 1 } },
    ])
      c.send(hostile);
    c.send({ type: 'ping' });
    await c.next((f) => f.type === 'pong');
    assert.ok(c.frames.filter((f) => f.type === 'error').length >= 6);
    const other = await RelayClient.connect(server.relayUrl, 'Still-up');
    other.close();
    c.close();
  });

  it('refuses a bad token with a fatal auth error', async () => {
    const guarded = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'parley-auth-')), staticDir: dataDir, token: 's3cret' });
    const c = await RelayClient.connect(guarded.relayUrl, 'Ann', 'wrong');
    const error = await c.next<{ type: 'error'; code: string; message: string; fatal: boolean }>((f) => f.type === 'error');
    assert.equal(error.code, 'auth');
    assert.equal(error.fatal, true);
    await new Promise((closed) => c.ws.once('close', closed));
    await guarded.close();
  });

  it('keeps history across a restart and replays what a client missed, in order', async () => {
    const ann = await RelayClient.connect(server.relayUrl, 'Ann');
    ann.send({ type: 'join', room: 'r4' });
    for (let i = 0; i < 5; i++) ann.send({ type: 'msg', id: `h-${i}`, room: 'r4', text: `n${i}`, ts: i });
    await ann.next((f) => f.type === 'ack' && f.id === 'h-4');
    const seqOf2 = (ann.frames.find((f) => f.type === 'ack' && f.id === 'h-2') as { seq: number }).seq;
    ann.close();
    await server.close();
    await start();
    const bob = await RelayClient.connect(server.relayUrl, 'Bob');
    bob.send({ type: 'join', room: 'r4', after: seqOf2 });
    await bob.next((f) => f.type === 'msg' && f.id === 'h-4');
    assert.deepEqual(bob.frames.filter((f) => f.type === 'msg').map((f) => (f as { text: string }).text), ['n3', 'n4']);
    bob.close();
  });
});
