import { expect } from '@esm-bundle/chai';
import type { ChatMessage } from '../../worker/api.ts';
import { openParleyDb } from '../../worker/db.ts';
import { History } from '../../worker/history.ts';
import { uniqueName } from './tabs.ts';

/** The sync cursor decides what the engine asks for after a reconnect: what was missed, no more. */
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
});
