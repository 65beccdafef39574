import { expect } from '@esm-bundle/chai';
import { DB_VERSION } from '../../worker/db.ts';
import { connectionKey, conversationKey, type ConnectionConfig } from '../../worker/api.ts';
import { EARLIEST_TS } from '../../worker/transports/inbound.ts';
import { env, openTab, texts, uniqueName, waitFor } from './tabs.ts';

/**
 * A database written by engine version 2, before transports validated what they receive,
 * may hold a poisoned message: a time of 1e20 once made every render throw, so the widget
 * showed nothing at all, even after a reload. Opening it now repairs what can be repaired and
 * quarantines the rest, and the widget shows the conversation.
 */
async function writeVersion2(name: string, records: object[], cursor: object): Promise<void> {
  const db = await new Promise<IDBDatabase>((done, fail) => {
    const request = indexedDB.open(name, 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      const messages = db.createObjectStore('messages', { keyPath: ['conversation', 'id'] });
      messages.createIndex('by-conversation-time', ['conversation', 'ts', 'id']);
      const outbox = db.createObjectStore('outbox', { keyPath: 'order', autoIncrement: true });
      outbox.createIndex('by-id', 'id', { unique: true });
      outbox.createIndex('by-connection', 'connection');
      db.createObjectStore('cursors', { keyPath: 'conversation' });
      db.createObjectStore('meta');
    };
    request.onsuccess = () => done(request.result);
    request.onerror = () => fail(request.error);
  });
  const tx = db.transaction(['messages', 'cursors'], 'readwrite');
  for (const record of records) tx.objectStore('messages').put(record);
  tx.objectStore('cursors').put(cursor);
  await new Promise((done) => (tx.oncomplete = done));
  db.close();
}

describe('stored messages from an older engine', () => {
  it('repairs an absurd time, quarantines what cannot be read, and the widget shows the rest', async () => {
    const engine = uniqueName('repair');
    const config: ConnectionConfig = { protocol: 'websocket', url: (await env()).relayUrl, user: 'Rue' };
    const room = uniqueName('room');
    const conversation = conversationKey(connectionKey(config), room);
    const base = { conversation, room, from: 'Mallory', mine: false };
    const before = Date.now();
    await writeVersion2(
      `parley:${engine}`,
      [
        { ...base, id: 'a', text: 'first, fine', ts: before - 60_000, seq: 1 },
        { ...base, id: 'b', text: 'boom', ts: 1e20, seq: 2 },
        { ...base, id: 'c', text: 42, ts: before - 30_000, seq: 3 },
        { ...base, id: 'd', text: 'last, fine', ts: before - 20_000, seq: 4, status: 'failed', error: 'Too long', mine: true, from: 'Rue' },
      ],
      { conversation, seq: 4 },
    );

    const tab = await openTab({ engine, user: config.user, server: config.url, room });
    // 'boom' keeps its place in the relay's order, with its time replaced by the time of the
    // repair; the failed message of our own comes after every confirmed one.
    await waitFor(() => texts(tab.chat).length === 3, 10_000, 'the repaired history');
    expect(texts(tab.chat)).to.deep.equal(['first, fine', 'boom', 'last, fine']);

    const db = await new Promise<IDBDatabase>((done) => {
      const request = indexedDB.open(`parley:${engine}`);
      request.onsuccess = () => done(request.result);
    });
    const read = <T>(store: string, key?: IDBValidKey) =>
      new Promise<T>((done) => {
        const request = key === undefined ? db.transaction(store).objectStore(store).getAll() : db.transaction(store).objectStore(store).get(key);
        request.onsuccess = () => done(request.result as T);
      });
    expect(db.version).to.equal(DB_VERSION);
    const boom = await read<{ ts: number; cursor: object; order: number }>('messages', [conversation, 'b']);
    expect(boom.order).to.equal(2);
    expect(boom.ts).to.be.within(before, Date.now());
    expect(boom.ts).to.be.above(EARLIEST_TS);
    expect(boom.cursor).to.deep.equal({ kind: 'seq', seq: 2 });
    const failed = await read<{ error: object }>('messages', [conversation, 'd']);
    expect(failed.error).to.deep.equal({ code: 'refused', message: 'Too long' });
    const quarantined = await read<{ record: { id: string }; reason: string }[]>('quarantine');
    expect(quarantined.map((q) => [q.record.id, q.reason])).to.deep.equal([['c', 'room, sender or text is not a string']]);
    // Typed now; the relay's `joined` has since moved it on to its own newest seq.
    const { cursor } = await read<{ cursor: { kind: string; seq: number } }>('cursors', conversation);
    expect(cursor.kind).to.equal('seq');
    expect(cursor.seq).to.be.at.least(4);
    db.close();
    tab.close();
  });
});
