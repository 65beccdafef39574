import { expect } from '@esm-bundle/chai';
import { openDB } from 'idb';
import type { ChatMessage, EngineEvent } from '../../worker/api.ts';
import { engineInPage } from './engine-in-page.ts';
import { env, uniqueName, waitFor } from './tabs.ts';

/**
 * A message goes on the wire while its outbox write is still open (docs/engine.md, "Sent with
 * the write"). These check what a user would notice of it: every message arrives once, in
 * order, and settles `sent`; and a message whose write fails after its frame went is not
 * refused (it is out), is reported, and still settles from memory.
 */
describe('sent with the outbox write', () => {
  /** A second visitor in the room on a raw relay socket: the texts it receives, in order. */
  async function peer(relayUrl: string, room: string): Promise<{ texts: string[]; close: () => void }> {
    const ws = new WebSocket(relayUrl);
    const texts: string[] = [];
    let joined!: () => void;
    const ready = new Promise<void>((resolve) => (joined = resolve));
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', v: 1, user: 'Pia' }));
    ws.onmessage = (e) => {
      const frame = JSON.parse(e.data as string) as { type: string; text?: string };
      if (frame.type === 'welcome') ws.send(JSON.stringify({ type: 'join', room }));
      if (frame.type === 'joined') joined();
      if (frame.type === 'msg' && frame.text) texts.push(frame.text);
    };
    await ready;
    return { texts, close: () => ws.close() };
  }

  async function joinedEngine(dbName: string) {
    const { relayUrl } = await env();
    const page = await engineInPage(() => true, dbName);
    const events: EngineEvent[] = [];
    const listener = uniqueName('listener');
    // Held while the test runs: the engine drops a tab whose lock it is granted (worker/tabs.ts).
    await new Promise<void>((held) => void navigator.locks.request(`parley-tab:${listener}`, () => (held(), new Promise<never>(() => undefined))));
    page.engine.tabs.add(listener, (e) => void (e.type === 'batch' ? events.push(...e.events) : events.push(e)));
    const room = uniqueName('early');
    const { conversation } = await page.open({ protocol: 'websocket', url: relayUrl, user: 'Ola' }, room);
    page.engine.tabs.subscribe(listener, conversation);
    await page.waitJoined(conversation);
    return { ...page, relayUrl, room, conversation, events };
  }

  const statusOf = (events: EngineEvent[], id: string) =>
    events.flatMap((e) => (e.type === 'status' && e.id === id ? [e.status] : []));

  it('delivers a burst once each and in order, each settled sent and stored so', async () => {
    const dbName = uniqueName('db');
    const { engine, relayUrl, room, conversation, events } = await joinedEngine(dbName);
    const other = await peer(relayUrl, room);
    try {
      const texts = Array.from({ length: 60 }, (_, i) => `burst ${i}`);
      const sent = await Promise.all(texts.map((text) => engine.send(conversation, text)));
      await waitFor(() => sent.every((m) => statusOf(events, m.id).includes('sent')), 10_000, 'every message acked');
      await waitFor(() => other.texts.length >= texts.length, 10_000, 'every message at the peer');
      expect(other.texts).to.deep.equal(texts);
      const db = await openDB(dbName);
      const stored = (await db.getAll('messages')) as ChatMessage[];
      expect(stored.filter((m) => m.mine).map((m) => m.status)).to.deep.equal(texts.map(() => 'sent'));
      expect(await db.count('outbox'), 'nothing left queued').to.equal(0);
      db.close();
    } finally {
      other.close();
    }
  });

  it('keeps a message whose write fails after its frame went: reported, shown once, settled sent from memory', async () => {
    const dbName = uniqueName('db');
    const { engine, relayUrl, room, conversation, events } = await joinedEngine(dbName);
    const other = await peer(relayUrl, room);
    // The next id is taken in the outbox by another connection's entry: the add's write fails
    // (ConstraintError on the unique by-id index) after the bound is checked, so after the frame went.
    const id = crypto.randomUUID();
    const db = await openDB(dbName);
    await db.add('outbox', { id, connection: 'another-connection', conversation: 'elsewhere' });
    const randomUUID = crypto.randomUUID.bind(crypto);
    crypto.randomUUID = () => ((crypto.randomUUID = randomUUID), id as ReturnType<typeof randomUUID>);
    try {
      const message = await engine.send(conversation, 'went out');
      expect(message.id).to.equal(id);
      expect(message.status, 'not refused: it is on the wire').to.equal('sending');
      await waitFor(() => events.some((e) => e.type === 'error' && e.error.code === 'storage'), 5_000, 'the storage error');
      const error = events.find((e) => e.type === 'error');
      expect(error?.type === 'error' && error.error.message).to.match(/went out, but this device could not keep a copy/);
      await waitFor(() => statusOf(events, id).includes('sent'), 5_000, 'sent, from memory');
      expect(await db.get('messages', [conversation, id]), 'not stored').to.equal(undefined);

      // The engine goes on: the next message goes out and is stored as usual.
      const next = await engine.send(conversation, 'after it');
      await waitFor(() => statusOf(events, next.id).includes('sent'), 5_000, 'the next one sent');
      await waitFor(() => other.texts.length >= 2, 5_000, 'both at the peer');
      expect(other.texts).to.deep.equal(['went out', 'after it']);
      expect(((await db.get('messages', [conversation, next.id])) as ChatMessage | undefined)?.status).to.equal('sent');
    } finally {
      crypto.randomUUID = randomUUID;
      db.close();
      other.close();
    }
  });
});
