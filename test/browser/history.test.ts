import { expect } from '@esm-bundle/chai';
import type { ChatMessage, Cursor } from '../../worker/api.ts';
import { openDB } from 'idb';
import { DB_VERSION, openParleyDb } from '../../worker/db.ts';
import { History } from '../../worker/history.ts';
import { engineClient } from '../../widget/engine-client.ts';
import { fillHistory } from './fill-history.ts';
import { env, uniqueName } from './tabs.ts';

/** History in IndexedDB: the sync cursor (what to ask for after a reconnect), order and paging. */
describe('history', () => {
  const message = (conversation: string, id: string, ts: number, cursor?: Cursor): Omit<ChatMessage, 'order'> => ({
    id,
    conversation,
    room: 'r',
    from: 'peer',
    text: id,
    ts,
    cursor,
    mine: false,
  });
  const archive = (id: string): Cursor => ({ kind: 'archive', id });
  const seq = (n: number): Cursor => ({ kind: 'seq', seq: n });

  /** One connection per database, as the engine keeps it. */
  const store = () => {
    const db = openParleyDb(uniqueName('history'), () => undefined);
    return new History(() => db);
  };

  it('keeps the archive id (XMPP MAM) of the newest message, whatever order they arrive in', async () => {
    const history = store();
    const c = 'xmpp|ws://x|ann@localhost#bob@localhost';
    await history.receive(message(c, 'm2', 2_000, archive('archive-b')));
    await history.receive(message(c, 'm3', 3_000, archive('archive-c')));
    // A page of older history arrives after the newer messages: the cursor stays put.
    await history.receive(message(c, 'm1', 1_000, archive('archive-a')), 'oldest');
    expect(await history.cursor(c)).to.deep.equal(archive('archive-c'));
  });

  it('keeps the highest sequence number for relay cursors', async () => {
    const history = store();
    const c = 'websocket|ws://x|ann#lobby';
    await history.receive(message(c, 'a', 1_000, seq(7)));
    await history.receive(message(c, 'b', 5_000, seq(3)));
    expect(await history.cursor(c)).to.deep.equal(seq(7));
  });

  it('orders by the relay sequence, not by time, and shows own unconfirmed messages last in written order', async () => {
    const history = store();
    const c = 'websocket|ws://x|ann#order';
    await history.receive(message(c, 'late-clock', 9_000, seq(1)));
    await history.receive(message(c, 'early-clock', 1_000, seq(2)));
    const db = await history.db();
    // Two of our own, written offline, not yet acknowledged (engine.send stores them so).
    for (const [id, ts] of [['mine-1', 500], ['mine-2', 600]] as const)
      await db.put('messages', { ...message(c, id, ts), mine: true, from: 'ann', status: 'queued', order: 2 ** 52 + ts });
    const page = await history.page(c);
    expect(page.messages.map((m) => m.id).reverse()).to.deep.equal(['late-clock', 'early-clock', 'mine-1', 'mine-2']);
    // The relay acks mine-2 first, with seq 3: it takes that place, ahead of mine-1.
    await history.transition(c, 'mine-2', ['queued'], 'sent', undefined, { cursor: seq(3) });
    const after = await history.page(c);
    expect(after.messages.map((m) => m.id).reverse()).to.deep.equal(['late-clock', 'early-clock', 'mine-2', 'mine-1']);
  });

  it('keeps own messages in written order when a receipt for a later one overtakes the earlier acks (XMPP)', async () => {
    const history = store();
    const c = 'xmpp|ws://x|ann@localhost#receipts';
    await history.receive(message(c, 'theirs', 1_000, archive('archive-1')));
    const db = await history.db();
    for (const [id, ts] of [['mine-1', 2_000], ['mine-2', 2_100], ['mine-3', 2_200]] as const)
      await db.put('messages', { ...message(c, id, ts), mine: true, from: 'ann', status: 'sending', order: 2 ** 52 + ts });
    // The peer's read marker for mine-3 arrives before the server's acks of mine-1 and mine-2
    // (they went out on a link that then dropped, and are resent).
    await history.transition(c, 'mine-3', ['sending'], 'read');
    await history.transition(c, 'mine-1', ['sending'], 'sent');
    await history.transition(c, 'mine-2', ['sending'], 'sent');
    const page = await history.page(c);
    expect(page.messages.map((m) => m.id).reverse()).to.deep.equal(['theirs', 'mine-1', 'mine-2', 'mine-3']);
    expect(page.messages.map((m) => m.status).reverse()).to.deep.equal([undefined, 'sent', 'sent', 'read']);
  });

  it('keeps own messages in written order when one batch of acks comes out of order (MQTT)', async () => {
    const history = store();
    const c = 'mqtt|ws://x|ann#acks';
    await history.receive(message(c, 'theirs', 1_000));
    const db = await history.db();
    const ids = ['mine-1', 'mine-2', 'mine-3', 'mine-4'];
    for (const [i, id] of ids.entries())
      await db.put('messages', { ...message(c, id, 2_000 + i), mine: true, from: 'ann', status: 'queued', order: 2 ** 52 + 2_000 + i, queue: ['mqtt|ws://x|ann', i + 1] });
    // Acks that arrived together settle in one transaction, mine-3's first.
    const moved = await history.moveQueued('mqtt|ws://x|ann', ['mine-3', 'mine-1', 'mine-4', 'mine-2'].map((id) => ({ id, conversation: c, to: 'sent' as const })));
    expect(moved.every((m) => m.moved?.status === 'sent')).to.equal(true);
    const page = await history.page(c);
    expect(page.messages.map((m) => m.id).reverse()).to.deep.equal(['theirs', ...ids]);
    expect(await db.countFromIndex('messages', 'by-queue'), 'none still waits to be sent').to.equal(0);
  });

  it('counts the echo of our own queued message as the server having it: sent, and no longer waiting (MQTT)', async () => {
    const history = store();
    const c = 'mqtt|ws://x|ann#echo';
    const db = await history.db();
    const mine = { ...message(c, 'mine', 2_000), mine: true, from: 'ann', status: 'queued' as const, order: 2 ** 52 + 2_000 };
    await db.put('messages', { ...mine, queue: ['mqtt|ws://x|ann', 1] });
    await history.receive(message(c, 'theirs', 1_000));
    const { order: _pending, status: _queued, ...echo } = mine;
    const shown = await history.receive(echo);
    expect(shown?.status).to.equal('sent');
    expect(shown?.order, 'its place after the message before it').to.equal(2);
    expect(await db.countFromIndex('messages', 'by-queue'), 'no longer waits to be sent').to.equal(0);
    // Its ack, later, finds nothing left to do.
    expect(await history.moveQueued('mqtt|ws://x|ann', [{ id: 'mine', conversation: c, to: 'sent' }])).to.deep.equal([{}]);
  });

  it('pages through messages that share a timestamp without skipping or repeating any', async () => {
    const history = store();
    const c = 'xmpp|ws://x|ann@localhost#ties';
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    // Prosody stamps archive items to the second: whole pages can share one time.
    for (const id of ids) await history.receive(message(c, id, 5_000, archive(`archive-${id}`)));
    const seen: string[] = [];
    let page = await history.page(c, undefined, 3);
    for (;;) {
      seen.push(...page.messages.map((m) => m.id));
      const oldest = page.messages[page.messages.length - 1];
      if (!page.more || !oldest) break;
      page = await history.page(c, { order: oldest.order, id: oldest.id }, 3);
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
    await old.put('messages', { ...message(c, 'kept', Date.now() - 1_000), seq: 1 });
    old.close();
    const db = openParleyDb(name, () => undefined);
    const history = new History(() => db);
    const [kept] = (await history.page(c)).messages;
    expect(kept?.id).to.equal('kept');
    expect(kept?.cursor).to.deep.equal(seq(1));
    expect((await db).version).to.equal(DB_VERSION);
  });

  it('hands over the newest page with open() when asked, as history() gives it', async () => {
    const { relayUrl } = await env();
    const engine = uniqueName('open-page');
    const { api } = await engineClient(engine);
    const config = { protocol: 'websocket' as const, url: relayUrl, user: 'Ann' };
    const room = uniqueName('room');
    const first = await api.open(config, room);
    expect(first.page, 'not asked for').to.equal(undefined);
    await fillHistory(engine, first.conversation, 120);
    const opened = await api.open(config, room, true);
    const page = await api.history(first.conversation);
    expect(opened.page?.messages.map((m) => m.id)).to.deep.equal(page.messages.map((m) => m.id));
    expect(opened.page?.messages).to.have.length(50);
    expect(opened.page?.messages[0]?.text, 'newest first').to.equal('history 119');
    expect(opened.page?.more).to.equal(true);
    await api.leave(first.conversation);
    await api.leave(first.conversation);
  });
});
