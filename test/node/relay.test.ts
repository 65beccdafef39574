import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import type { ServerFrame } from '../../worker/transports/json/wire.ts';
import { RelayClient } from '../support/relay-client.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-relay-'));
let server: DemoServer;
let port = 0;
const start = async () => {
  server = await startDemoServer({ port, host: '127.0.0.1', dataDir, staticDir: dataDir });
  port = server.port;
};

type ErrorFrame = Extract<ServerFrame, { type: 'error' }>;
type AckFrame = Extract<ServerFrame, { type: 'ack' }>;
type MsgFrame = Extract<ServerFrame, { type: 'msg' }>;

/** Joins `room` and resolves with the relay's `joined`, which follows the room's backlog. */
const joinRoom = async (c: RelayClient, room: string) => {
  c.send({ type: 'join', room });
  return c.next<Extract<ServerFrame, { type: 'joined' }>>((f) => f.type === 'joined' && f.room === room);
};

/** Sends `frame` and resolves with the first error frame that arrives after it. */
const errorFor = async (c: RelayClient, frame: Record<string, unknown> | string): Promise<ErrorFrame> => {
  const from = c.frames.length;
  if (typeof frame === 'string') c.ws.send(frame);
  else c.send(frame);
  return c.next<ErrorFrame>((f) => f.type === 'error' && c.frames.indexOf(f) >= from);
};

describe('demo relay', () => {
  before(start);
  after(() => server.close());

  it('delivers a message to a second client and acks the sender with the next seq and the relay time', async () => {
    const ann = await RelayClient.connect(server.relayUrl, 'Ann');
    const bob = await RelayClient.connect(server.relayUrl, 'Bob');
    await joinRoom(bob, 'r1');
    // `joined` carries the last seq stored so far, across all rooms.
    const { seq: last } = await joinRoom(ann, 'r1');
    const sentAt = Date.now();
    ann.send({ type: 'msg', id: 'm-1', room: 'r1', text: 'hello', ts: 1 });
    const ack = await ann.next<AckFrame>((f) => f.type === 'ack' && f.id === 'm-1');
    const ackedAt = Date.now();
    assert.deepEqual(Object.keys(ack).sort(), ['id', 'seq', 'ts', 'type']);
    assert.equal(ack.seq, last + 1, 'the first message after the join takes the next seq');
    // The relay stamps its own time: the client's ts (1) is not trusted.
    assert.ok(ack.ts >= sentAt && ack.ts <= ackedAt, `ack ts ${ack.ts} within [${sentAt}, ${ackedAt}]`);
    const got = await bob.next<MsgFrame>((f) => f.type === 'msg' && f.id === 'm-1');
    assert.deepEqual(got, { type: 'msg', id: 'm-1', room: 'r1', from: 'Ann', text: 'hello', ts: ack.ts, seq: ack.seq });
    ann.send({ type: 'msg', id: 'm-2', room: 'r1', text: 'again', ts: 1 });
    const second = await ann.next<AckFrame>((f) => f.type === 'ack' && f.id === 'm-2');
    assert.equal(second.seq, ack.seq + 1, 'seq grows by exactly one per message');
    assert.ok(second.ts >= ack.ts && second.ts <= Date.now(), 'the relay clock does not run backwards');
    await bob.next((f) => f.type === 'msg' && f.id === 'm-2');
    assert.equal(ann.frames.filter((f) => f.type === 'msg').length, 0, 'the sender is not sent its own message');
    ann.close();
    bob.close();
  });

  it('acks a resent id again with the same seq and does not show it twice', async () => {
    const ann = await RelayClient.connect(server.relayUrl, 'Ann');
    const bob = await RelayClient.connect(server.relayUrl, 'Bob');
    for (const c of [ann, bob]) await joinRoom(c, 'r2');
    ann.send({ type: 'msg', id: 'dup-1', room: 'r2', text: 'once', ts: 1 });
    ann.send({ type: 'msg', id: 'dup-1', room: 'r2', text: 'once', ts: 1 });
    ann.send({ type: 'msg', id: 'dup-2', room: 'r2', text: 'next', ts: 1 });
    const acks = await ann.next(() => ann.frames.filter((f) => f.type === 'ack').length === 3).then(
      () => ann.frames.filter((f): f is AckFrame => f.type === 'ack'),
    );
    assert.deepEqual(acks.map((a) => a.id), ['dup-1', 'dup-1', 'dup-2']);
    assert.deepEqual(acks[1], acks[0], 'the resend is acked with the stored seq and ts');
    assert.equal(acks[2]!.seq, acks[0]!.seq + 1, 'the resend took no seq');
    // The relay writes to Bob in order: once dup-2 is there, a second dup-1 would be too.
    await bob.next((f) => f.type === 'msg' && f.id === 'dup-2');
    assert.deepEqual(bob.frames.filter((f) => f.type === 'msg').map((f) => (f as MsgFrame).id), ['dup-1', 'dup-2']);
    ann.close();
    bob.close();
  });

  it('answers each malformed, oversized, out-of-order or mistyped frame with its own error and stays up', async () => {
    const c = await RelayClient.connect(server.relayUrl, 'Zed');
    const hostile: [frame: Record<string, unknown> | string, error: Omit<ErrorFrame, 'type'>][] = [
      ['{not json', { code: 'bad-frame', message: 'frame is not valid JSON' }],
      ['{"room":"r3"}', { code: 'bad-frame', message: 'frame has no "type"' }],
      [{ type: 'msg', id: 'x1', room: 'nowhere', text: 'hi', ts: 1 }, { code: 'not-joined', message: 'Join the room before sending to it.', id: 'x1' }],
      [{ type: 'older', room: {}, before: 'x', limit: [] }, { code: 'bad-frame', message: 'older needs a joined room and a numeric before.' }],
      [{ type: 'join', room: { $gt: '' } }, { code: 'bad-room', message: 'A room name is required.' }],
      [{ type: 'typing', room: ['r3'], typing: true }, { code: 'bad-room', message: 'A typing notice needs a room name.' }],
      [{ type: 'shout', room: 'r3' }, { code: 'bad-frame', message: 'Unknown frame type "shout".' }],
    ];
    for (const [frame, error] of hostile) assert.deepEqual(await errorFor(c, frame), { type: 'error', ...error }, JSON.stringify(frame));
    await joinRoom(c, 'r3');
    const inRoom: typeof hostile = [
      [{ type: 'typing', room: 'r3', typing: 'yes' }, { code: 'bad-frame', message: 'A typing notice needs typing: true or false.' }],
      [{ type: 'msg', id: 7, room: 'r3', text: 'x' }, { code: 'bad-frame', message: 'A message needs an id of at most 100 characters.' }],
      [{ type: 'msg', id: 'x2', room: 'r3', text: 'a'.repeat(10_001), ts: 1 }, { code: 'too-long', message: 'Messages can be at most 10000 characters.', id: 'x2' }],
      [{ type: 'msg', id: 'x3', room: 'r3', text: { toString: 1 } }, { code: 'bad-frame', message: "A message's text must be a string.", id: 'x3' }],
      [{ type: 'msg', id: 'x4', room: 'r3', text: '   ' }, { code: 'empty', message: 'The message is empty.', id: 'x4' }],
    ];
    for (const [frame, error] of inRoom) assert.deepEqual(await errorFor(c, frame), { type: 'error', ...error }, JSON.stringify(frame));
    assert.equal(c.frames.filter((f) => f.type === 'error').length, hostile.length + inRoom.length, 'one error per hostile frame, no more');
    // Still up, for this socket and for others: a valid message is stored and delivered.
    const other = await RelayClient.connect(server.relayUrl, 'Still-up');
    await joinRoom(other, 'r3');
    c.send({ type: 'msg', id: 'x5', room: 'r3', text: 'fine', ts: 1 });
    await c.next((f) => f.type === 'ack' && f.id === 'x5');
    assert.equal((await other.next<MsgFrame>((f) => f.type === 'msg' && f.id === 'x5')).text, 'fine');
    assert.equal(other.frames.filter((f) => f.type === 'msg').length, 1, 'no refused message reached the room');
    other.close();
    c.close();
  });

  it('forwards a read marker, with the reader as sender, to the others in the room only, and refuses a malformed one', async () => {
    const ann = await RelayClient.connect(server.relayUrl, 'Ann');
    const bob = await RelayClient.connect(server.relayUrl, 'Bob');
    const out = await RelayClient.connect(server.relayUrl, 'Out');
    await joinRoom(ann, 'r-read');
    await joinRoom(bob, 'r-read');
    await joinRoom(out, 'r-other');
    // A `from` in the frame is ignored: the relay names the socket's own user.
    bob.send({ type: 'read', room: 'r-read', id: 'm-9', from: 'Mallory' } as never);
    assert.deepEqual(await ann.next((f) => f.type === 'read'), { type: 'read', room: 'r-read', from: 'Bob', id: 'm-9' });
    assert.deepEqual(await errorFor(bob, { type: 'read', room: 'r-read', id: 42 }), {
      type: 'error',
      code: 'bad-frame',
      message: 'A read marker needs the id of a message, of at most 100 characters.',
    });
    assert.deepEqual(await errorFor(bob, { type: 'read', room: '', id: 'm-9' }), { type: 'error', code: 'bad-room', message: 'A read marker needs a room name.' });
    // A marker for a room the socket never joined reaches nobody; a ping proves the relay moved on.
    bob.send({ type: 'read', room: 'r-other', id: 'm-9' });
    bob.send({ type: 'ping' });
    await bob.next((f) => f.type === 'pong');
    out.send({ type: 'ping' });
    await out.next((f) => f.type === 'pong');
    assert.deepEqual([bob, out].map((c) => c.frames.filter((f) => f.type === 'read').length), [0, 0], 'not to the reader, not to other rooms');
    for (const c of [ann, bob, out]) c.close();
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
