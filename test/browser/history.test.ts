import { expect } from '@esm-bundle/chai';
import type { ChatMessage } from '../../worker/api.ts';
import { openDB } from 'idb';
import { DB_VERSION, openParleyDb } from '../../worker/db.ts';
import { History } from '../../worker/history.ts';
import { uniqueName } from './tabs.ts';

/** History in IndexedDB: the sync cursor (what to ask for after a reconnect) and paging. */
describe('history cursor', () => {
  const message = (conversation: string, id: string, ts: number, seq: number | string): ChatMessage => ({
    id,
    conversation,
    room: 'r',
    from: 'peer',
    text: id,
    ts,
    seq,
    mine: false,
  });

  /** One connection per database, as the engine keeps it. */
  const store = () => {
    const db = openParleyDb(uniqueName('cursor'), () => undefined);
    return new History(() => db);
  };

  it('keeps the archive id (XMPP MAM) of the newest message, whatever order they arrive in', async () => {
    const history = store();
    const c = 'xmpp|ws://x|ann@localhost#bob@localhost';
    await history.receive(message(c, 'm2', 2_000, 'archive-b'));
    await history.receive(message(c, 'm3', 3_000, 'archive-c'));
    // A page of older history arrives after the newer messages: the cursor stays put.
    await history.receive(message(c, 'm1', 1_000, 'archive-a'));
    expect(await history.cursor(c)).to.equal('archive-c');
  });

  it('still keeps the highest sequence number for numeric cursors', async () => {
    const history = store();
    const c = 'websocket|ws://x|ann#lobby';
    await history.receive(message(c, 'a', 1_000, 7));
    await history.receive(message(c, 'b', 5_000, 3));
    expect(await history.cursor(c)).to.equal(7);
  });

  it('pages through messages that share a timestamp without skipping or repeating any', async () => {
    const history = store();
    const c = 'websocket|ws://x|ann#ties';
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    // Prosody stamps archive items to the second: whole pages can share one time.
    for (const id of ids) await history.receive(message(c, id, 5_000, 1));
    const seen: string[] = [];
    let page = await history.page(c, undefined, 3);
    for (;;) {
      seen.push(...page.messages.map((m) => m.id));
      const oldest = page.messages[page.messages.length - 1];
      if (!page.more || !oldest) break;
      page = await history.page(c, { ts: oldest.ts, id: oldest.id }, 3);
    }
    expect(seen).to.deep.equal([...ids].reverse());
  });

  it('upgrades a version 1 database in place, keeping its messages', async () => {
    const name = uniqueName('v1');
    const c = 'websocket|ws://x|ann#old';
    // The schema version 1 shipped with, as a visitor's browser may still hold it.
    const old = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('messages', { keyPath: ['conversation', 'id'] }).createIndex('by-conversation-ts', ['conversation', 'ts']);
        const outbox = db.createObjectStore('outbox', { keyPath: 'order', autoIncrement: true });
        outbox.createIndex('by-id', 'id', { unique: true });
        outbox.createIndex('by-connection', 'connection');
        db.createObjectStore('cursors', { keyPath: 'conversation' });
        db.createObjectStore('meta');
      },
    });
    await old.put('messages', message(c, 'kept', 1_000, 1));
    old.close();
    const db = openParleyDb(name, () => undefined);
    const history = new History(() => db);
    expect((await history.page(c)).messages.map((m) => m.id)).to.deep.equal(['kept']);
    expect((await db).version).to.equal(DB_VERSION);
  });
});
