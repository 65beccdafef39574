import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { ATTACHMENT_LIMITS } from '../../worker/transports/attachments.ts';
import { checkInbound, type RawInbound } from '../../worker/transports/inbound.ts';
import type { ServerFrame } from '../../worker/transports/json/wire.ts';
import { encodeChat, parseChat } from '../../worker/transports/mqtt/payload.ts';
import { RelayClient } from '../support/relay-client.ts';

/** Attachments on the wire: the one inbound schema, the relay's checks and storage, the MQTT payload. */
const NOW = 1_764_000_000_000;
const rules = { now: NOW, unknownSender: 'someone' };
const base: RawInbound = { id: 'm1', room: 'lobby', from: 'ann', text: '', ts: NOW - 1_000 };
const file = { url: 'https://files.example/a/cat.png', name: 'cat.png', type: 'image/png', size: 1234, width: 40, height: 30, preview: 'data:image/jpeg;base64,/9j/AAAA' };

const check = (attachments: unknown) => {
  const checked = checkInbound({ ...base, attachments }, rules);
  assert.equal(checked.ok, true);
  return checked as Extract<typeof checked, { ok: true }>;
};

describe('inbound attachments', () => {
  it('keeps a well-formed attachment as a fresh object with only the known fields', () => {
    const { message, warning } = check([{ ...file, onclick: 'x', html: '<b>' }]);
    assert.deepEqual(message.attachments, [file]);
    assert.equal(warning, undefined);
  });

  it('drops an attachment without an http(s) URL, keeps the message and the others, and says which', () => {
    const { message, warning } = check([{ url: 'javascript:alert(1)' }, { url: 'data:text/html,<script>' }, file, { name: 'no url' }]);
    assert.deepEqual(message.attachments, [file]);
    assert.equal(warning?.code, 'bad-message');
    assert.match(warning!.message, /attachment 1 has no http\(s\) URL/);
    assert.match(warning!.message, /attachment 2 has no http\(s\) URL/);
    assert.match(warning!.message, /attachment 4 has no http\(s\) URL/);
  });

  it('keeps a preview only as a small base64 PNG, JPEG or WebP data URL', () => {
    const svg = check([{ ...file, preview: 'data:image/svg+xml;base64,PHN2Zz4=' }]);
    assert.equal(svg.message.attachments![0]!.preview, undefined);
    assert.match(svg.warning!.message, /preview of attachment 1/);
    const big = check([{ ...file, preview: `data:image/png;base64,${'A'.repeat(ATTACHMENT_LIMITS.preview)}` }]);
    assert.equal(big.message.attachments![0]!.preview, undefined);
    assert.equal(check([{ ...file, preview: 'data:image/webp;base64,UklGRg==' }]).message.attachments![0]!.preview, 'data:image/webp;base64,UklGRg==');
  });

  it('bounds names, types, sizes and the count, and names a file by its URL when it has no name', () => {
    const { message } = check([{ url: 'http://x.example/d/r%C3%A9sum%C3%A9.pdf', name: 'n'.repeat(1_000), type: 'text/html; charset=<x>', size: -5, width: 1e9, height: 3, duration: 1.5 }]);
    const [a] = message.attachments!;
    assert.equal(a!.name.length, ATTACHMENT_LIMITS.name);
    assert.equal(a!.type, '');
    assert.equal(a!.size, 0);
    assert.equal(a!.width, undefined);
    assert.equal(a!.duration, undefined);
    assert.equal(check([{ url: 'http://x.example/d/r%C3%A9sum%C3%A9.pdf' }]).message.attachments![0]!.name, 'résumé.pdf');
    const many = check(Array.from({ length: ATTACHMENT_LIMITS.count + 3 }, () => file));
    assert.equal(many.message.attachments!.length, ATTACHMENT_LIMITS.count);
    assert.match(many.warning!.message, /only the first 10 of 13/);
  });
});

describe('MQTT payload attachments', () => {
  it('encodes the attachments and reads them back through the schema', () => {
    const bytes = encodeChat({ id: 'm1', room: 'r', from: 'ann', text: '', ts: NOW, attachments: [file] });
    const parsed = parseChat(bytes, 'r', NOW);
    assert.equal(parsed.ok, true);
    assert.deepEqual((parsed as Extract<typeof parsed, { ok: true }>).value.attachments, [file]);
  });

  it('keeps a message whose attachment has a javascript: URL, without it, with a warning', () => {
    const payload = new TextEncoder().encode(JSON.stringify({ id: 'm2', from: 'bot', text: 'hi', ts: NOW, attachments: [{ url: 'javascript:alert(1)' }] }));
    const parsed = parseChat(payload, 'r', NOW) as Extract<ReturnType<typeof parseChat>, { ok: true }>;
    assert.equal(parsed.ok, true);
    assert.equal(parsed.value.attachments, undefined);
    assert.match(parsed.warning!.message, /no http\(s\) URL/);
  });
});

describe('relay attachments', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-relay-files-'));
  let server: DemoServer;
  before(async () => {
    server = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir, staticDir: join(dataDir, 'static') });
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  type Frame<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;
  const joinRoom = async (c: RelayClient, room: string) => {
    c.send({ type: 'join', room });
    await c.next((f) => f.type === 'joined' && f.room === room);
  };

  it('forwards a message with files and no text, stores them, and replays them to a later join', async () => {
    const ann = await RelayClient.connect(server.relayUrl, 'Ann');
    const bob = await RelayClient.connect(server.relayUrl, 'Bob');
    await joinRoom(ann, 'files');
    await joinRoom(bob, 'files');
    ann.send({ type: 'msg', id: 'f-1', room: 'files', text: '', ts: 1, attachments: [{ ...file, extra: 'dropped' }] });
    await ann.next((f) => f.type === 'ack' && f.id === 'f-1');
    const got = await bob.next<Frame<'msg'>>((f) => f.type === 'msg' && f.id === 'f-1');
    assert.deepEqual(got.attachments, [file]);
    const cy = await RelayClient.connect(server.relayUrl, 'Cy');
    cy.send({ type: 'join', room: 'files' });
    const replayed = await cy.next<Frame<'msg'>>((f) => f.type === 'msg' && f.id === 'f-1');
    assert.deepEqual(replayed.attachments, [file], 'kept in the store');
    for (const c of [ann, bob, cy]) c.ws.close();
  });

  it('refuses a message with a bad attachment, and an empty one, each with its own error', async () => {
    const ann = await RelayClient.connect(server.relayUrl, 'Ann');
    await joinRoom(ann, 'bad-files');
    ann.send({ type: 'msg', id: 'b-1', room: 'bad-files', text: 'look', ts: 1, attachments: [{ url: 'file:///etc/passwd' }] });
    const bad = await ann.next<Frame<'error'>>((f) => f.type === 'error' && f.id === 'b-1');
    assert.equal(bad.code, 'bad-attachments');
    assert.match(bad.message, /no http\(s\) URL/);
    ann.send({ type: 'msg', id: 'b-2', room: 'bad-files', text: ' ', ts: 1, attachments: [] });
    const empty = await ann.next<Frame<'error'>>((f) => f.type === 'error' && f.id === 'b-2');
    assert.equal(empty.code, 'empty');
    ann.ws.close();
  });
});
