import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signIdentity } from '../../demo/relay.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import type { ServerFrame } from '../../worker/transports/json/wire.ts';
import { RelayClient } from '../support/relay-client.ts';

type MsgFrame = Extract<ServerFrame, { type: 'msg' }>;

/** Says hello as `user` (an id) with a display name, and resolves with the first answer. */
async function hello(url: string, frame: Record<string, unknown>): Promise<{ client: RelayClient; answer: ServerFrame }> {
  const client = await RelayClient.raw(url);
  client.send({ type: 'hello', v: 1, ...frame });
  const answer = await client.next((f) => f.type === 'welcome' || f.type === 'error');
  return { client, answer };
}

async function chat(sender: RelayClient, receiver: RelayClient, room: string, id: string): Promise<MsgFrame> {
  for (const c of [receiver, sender]) {
    c.send({ type: 'join', room });
    await c.next((f) => f.type === 'joined' && f.room === room);
  }
  sender.send({ type: 'msg', id, room, text: 'hi', ts: Date.now() });
  return receiver.next<MsgFrame>((f) => f.type === 'msg' && f.id === id);
}

describe('relay identity: ids, not names, say who wrote a message', () => {
  const secret = 'site-secret-for-tests';
  let open: DemoServer;
  let signed: DemoServer;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-identity-'));
    open = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'open'), staticDir: dir });
    signed = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'signed'), staticDir: dir, identitySecret: secret });
  });
  after(async () => {
    await open.close();
    await signed.close();
  });

  it('keeps two visitors with the same name apart: from is each one\'s id, name is what they typed', async () => {
    const a = await hello(open.relayUrl, { user: 'visitor-a1', name: 'Sam' });
    const b = await hello(open.relayUrl, { user: 'visitor-b2', name: 'Sam' });
    assert.deepEqual(a.answer, { type: 'welcome', user: 'visitor-a1', verified: false });
    const got = await chat(a.client, b.client, 'same-name', 'm-a');
    assert.equal(got.from, 'visitor-a1');
    assert.equal(got.name, 'Sam');
    const back = await chat(b.client, a.client, 'same-name', 'm-b');
    assert.equal(back.from, 'visitor-b2');
    // A message stored before names existed, or sent without one, carries no name at all.
    const c = await hello(open.relayUrl, { user: 'visitor-c3' });
    const plain = await chat(c.client, a.client, 'same-name', 'm-c');
    assert.equal('name' in plain, false);
    for (const x of [a, b, c]) x.client.close();
  });

  it('accepts an id signed with the site secret, and says it is verified', async () => {
    const user = 'customer-42';
    const a = await hello(signed.relayUrl, { user, name: 'Ann', signature: signIdentity(secret, user) });
    assert.deepEqual(a.answer, { type: 'welcome', user, verified: true });
    const b = await hello(signed.relayUrl, { user: 'customer-7', signature: signIdentity(secret, 'customer-7') });
    const got = await chat(a.client, b.client, 'support', 'm-signed');
    assert.equal(got.from, user);
    assert.equal(got.name, 'Ann');
    a.client.close();
    b.client.close();
  });

  it('refuses an unsigned id, and one signed for another id, with a fatal auth error', async () => {
    const unsigned = await hello(signed.relayUrl, { user: 'customer-42', name: 'Ann' });
    const forged = await hello(signed.relayUrl, { user: 'customer-42', signature: signIdentity(secret, 'customer-7') });
    const wrongKey = await hello(signed.relayUrl, { user: 'customer-42', signature: signIdentity('guess', 'customer-42') });
    for (const { answer } of [unsigned, forged, wrongKey])
      assert.deepEqual(answer, {
        type: 'error',
        code: 'auth',
        message: 'The identity signature is missing or wrong: the site must sign the user id.',
        fatal: true,
      });
  });
});
