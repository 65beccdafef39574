import { expect } from '@esm-bundle/chai';
import { openDB } from 'idb';
import { connectionKey, conversationKey, type ChatMessage, type EngineEvent, type MessageStatus } from '../../worker/api.ts';
import { DB_VERSION } from '../../worker/db.ts';
import { pendingOrder } from '../../worker/order.ts';
import { engineClient } from '../../widget/engine-client.ts';
import { env, uniqueName, waitFor } from './tabs.ts';

/**
 * Until version 5 the send queue was a store of its own; now it is an index over the message
 * records (worker/db.ts, upgradeTo5). A visitor who wrote messages offline with the older
 * widget must see them sent, once and in their queue's order, by the newer one.
 */
describe('outbox across the version 5 upgrade', () => {
  it('sends what a version 4 database left queued, once and in queue order, and not what was refused', async () => {
    const { relayUrl } = await env();
    const engine = uniqueName('v4');
    const room = uniqueName('room');
    const config = { protocol: 'websocket' as const, url: relayUrl, user: 'Vic' };
    const key = connectionKey(config);
    const conversation = conversationKey(key, room);
    const ts = Date.now() - 60_000;
    const own = (id: string, at: number, status: MessageStatus): ChatMessage => ({
      id: `${id}-${crypto.randomUUID()}`,
      conversation,
      room,
      from: 'Vic',
      text: id,
      ts: ts + at,
      order: pendingOrder(ts + at),
      status,
      mine: true,
    });
    // Queue order is not time order: Retry put the oldest message back at the end.
    const retried = own('retried', 0, 'queued');
    const one = own('one', 1, 'queued');
    const two = own('two', 2, 'sending');
    const refused = { ...own('refused', 3, 'failed'), error: { code: 'refused' as const, message: 'Too long' } };
    const queue = [one, two, retried, refused];

    // The schema version 4 shipped with, with what an engine left in it when the tab closed.
    const old = await openDB(`parley:${engine}`, 4, {
      upgrade(db) {
        const messages = db.createObjectStore('messages', { keyPath: ['conversation', 'id'] });
        messages.createIndex('by-conversation-time', ['conversation', 'ts', 'id']);
        messages.createIndex('by-conversation-order', ['conversation', 'order', 'id']);
        const outbox = db.createObjectStore('outbox', { keyPath: 'order', autoIncrement: true });
        outbox.createIndex('by-id', 'id', { unique: true });
        outbox.createIndex('by-connection', 'connection');
        for (const store of ['cursors', 'reads', 'drafts']) db.createObjectStore(store, { keyPath: 'conversation' });
        db.createObjectStore('uploads', { keyPath: 'id' });
        db.createObjectStore('quarantine', { autoIncrement: true });
        db.createObjectStore('meta');
      },
    });
    for (const message of queue) {
      await old.put('messages', message);
      // An engine that stopped between a refusal and its queue write left `refused` queued.
      await old.add('outbox', { id: message.id, connection: key, conversation });
    }
    old.close();

    const { api, on } = await engineClient(engine);
    const statuses = new Map<string, MessageStatus | undefined>();
    on((e: EngineEvent) => {
      if (e.type === 'status') statuses.set(e.id, e.status);
    });
    await api.open(config, room);
    await waitFor(() => [one, two, retried].every((m) => statuses.get(m.id) === 'sent'), 15_000, 'the three queued messages sent');

    const peer = await engineClient(uniqueName('v4-peer'));
    const { conversation: theirs } = await peer.api.open({ ...config, user: 'Pat' }, room);
    const seen = await waitFor(async () => {
      const { messages } = await peer.api.history(theirs);
      return messages.length >= 3 && messages;
    }, 10_000, 'the messages at the peer');
    expect(seen.map((m) => m.text).reverse(), 'each once, in queue order; the refused one not sent').to.deep.equal(['one', 'two', 'retried']);

    const mine = (await api.history(conversation)).messages;
    expect(mine.find((m) => m.id === refused.id)?.status, 'the refused one still waits for Retry or Delete').to.equal('failed');
    const db = await openDB(`parley:${engine}`);
    expect(db.version).to.equal(DB_VERSION);
    expect([...db.objectStoreNames]).not.to.include('outbox');
    expect([...db.transaction('messages').objectStore('messages').indexNames], 'the time index is gone too').to.deep.equal(['by-conversation-order', 'by-queue']);
    db.close();
  });
});
