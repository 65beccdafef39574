import { expect } from '@esm-bundle/chai';
import type { ConnectionConfig } from '../../worker/api.ts';
import { engineInPage } from './engine-in-page.ts';
import { env, eventually, uniqueName } from './tabs.ts';

/**
 * What the engine writes when the relay acks a burst of our messages. A sequenced ack is written
 * from the message held in memory, without reading its record (worker/history-batch.ts,
 * fromMemory), and the tabs hear it before the commit: what a restart reads must still be each
 * message sent, in its place, out of the queue.
 */
describe('acks written from memory', () => {
  it('keeps a burst the relay acked as sent, in the relay\'s order and out of the queue, for the engine that starts next', async () => {
    const { relayUrl } = await env();
    const dbName = uniqueName('db');
    const room = uniqueName('burst');
    const config: ConnectionConfig = { protocol: 'websocket', url: relayUrl, user: 'Rae', options: { outboxLimit: 300 } };
    const before = await engineInPage(() => true, dbName);
    const { conversation } = await before.open(config, room);
    await before.waitJoined(conversation);
    const burst = await Promise.all(Array.from({ length: 200 }, (_, i) => before.engine.send(conversation, `burst ${i}`)));
    const stored = async () => Promise.all(burst.map((m) => before.engine.history.get(conversation, m.id)));
    await eventually(async () => (await stored()).every((m) => m?.status === 'sent'), 15_000, 'the burst acked and written');
    before.engine.offline();

    const after = await engineInPage(() => true, dbName);
    await after.open(config, room);
    await after.waitJoined(conversation);
    const marker = await after.engine.send(conversation, 'after the restart');
    await eventually(async () => (await after.engine.history.get(conversation, marker.id))?.status === 'sent', 10_000, 'the marker sent');
    const page = await after.engine.page(conversation, undefined, 300);
    const shown = [...page.messages].sort((a, b) => a.order - b.order);
    expect(shown.map((m) => m.text), 'in the relay\'s order, the marker last').to.deep.equal([...burst.map((m) => m.text), marker.text]);
    expect(new Set(shown.map((m) => m.status)), 'all sent').to.deep.equal(new Set(['sent']));
    expect(shown.every((m) => m.cursor?.kind === 'seq' && m.cursor.seq === m.order), 'each placed at its sequence').to.equal(true);
    // Nothing left in the queue for the new engine to send again.
    const db = await new Promise<IDBDatabase>((opened) => {
      const request = indexedDB.open(dbName);
      request.onsuccess = () => opened(request.result);
    });
    const queued = await new Promise<number>((counted) => {
      const request = db.transaction('messages').objectStore('messages').index('by-queue').count();
      request.onsuccess = () => counted(request.result);
    });
    db.close();
    expect(queued, 'messages still queued').to.equal(0);
    after.engine.offline();
  });
});
