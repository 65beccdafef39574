import { expect } from '@esm-bundle/chai';
import type { ConnectionConfig, EngineEvent } from '../../worker/api.ts';
import { Engine } from '../../worker/engine.ts';
import type { StorageWrite } from '../../worker/history.ts';
import { loadTransport } from '../../worker/transports/load.ts';
import { pdfFile, uploadGate } from './attachment-fixtures.ts';
import { brokerUrl, mosquittoPub, roomTopic } from './mqtt-env.ts';
import { FAST as FAST_OPTIONS } from '../support/fast-options.ts';
import { waitFor } from '../support/wait.ts';
import { watchRelay } from './relay-watcher.ts';
import { env, uniqueName } from './tabs.ts';
import { startPeer, xmppEnv, xmppUser } from './xmpp-env.ts';

/**
 * Store-then-ack, end to end: while IndexedDB refuses every inbound message (as a full disk
 * does), the engine must not let the server count them as delivered. Once the fault clears,
 * every message arrives, once, in the order it was sent. The engine runs in the page, on real
 * timers, against the real servers, with its storage fault injected (EngineDeps.storageFault).
 */
const FAST = { ...FAST_OPTIONS, stableAfter: 60_000 };

/** A tab id whose Web Lock this page holds for good, as a live tab does. */
async function heldTab(): Promise<string> {
  const tabId = uniqueName('tab');
  await new Promise<void>((held) =>
    navigator.locks.request(`parley-tab:${tabId}`, () => {
      held();
      return new Promise<never>(() => undefined);
    }),
  );
  return tabId;
}

async function engineWithFault() {
  let failing = false;
  /** Only writes of this kind fail; every kind if unset. */
  let only: StorageWrite | undefined;
  const dbName = uniqueName('faults');
  const engine = new Engine({
    dbName,
    load: loadTransport,
    storageFault: (write) => (failing && (!only || only === write) ? new DOMException('The quota has been exceeded.', 'QuotaExceededError') : undefined),
  });
  const tabId = await heldTab();
  const events: EngineEvent[] = [];
  engine.tabs.add(tabId, (e) => void events.push(e));
  return {
    engine,
    dbName,
    events,
    fail: (on: boolean, kind?: StorageWrite) => {
      failing = on;
      only = kind;
    },
    open: async (config: ConnectionConfig, room: string) => {
      const { conversation } = await engine.open(tabId, config, room);
      await waitFor(() => events.some((e) => e.type === 'joined' && e.conversation === conversation), 15_000, 'the room joined');
      return conversation;
    },
    /** Every stored text of the conversation, oldest first. */
    stored: async (conversation: string) => (await engine.history.page(conversation, undefined, 500)).messages.map((m) => m.text).reverse(),
  };
}

interface Peer {
  name: string;
  config: () => Promise<{ config: ConnectionConfig; room: string }>;
  /** Sends `texts` to the room, in order, from another client. */
  send: (room: string, texts: string[]) => Promise<void>;
}

const peers: Peer[] = [
  {
    name: 'JSON relay',
    config: async () => ({ config: { protocol: 'websocket', url: (await env()).relayUrl, user: 'Sam', options: FAST }, room: uniqueName('room') }),
    send: async (room, texts) => {
      const ws = new WebSocket((await env()).relayUrl);
      await new Promise((open) => (ws.onopen = open));
      ws.send(JSON.stringify({ type: 'hello', v: 1, user: 'Peer' }));
      ws.send(JSON.stringify({ type: 'join', room }));
      for (const text of texts) ws.send(JSON.stringify({ type: 'msg', id: crypto.randomUUID(), room, text, ts: Date.now() }));
      await waitFor(() => ws.bufferedAmount === 0, 5_000, 'the peer\'s frames sent');
      ws.close();
    },
  },
  {
    name: 'MQTT, Mosquitto',
    config: async () => ({ config: { protocol: 'mqtt', url: await brokerUrl('mosquitto'), user: 'Sam', options: FAST }, room: uniqueName('room') }),
    send: (room, texts) => mosquittoPub('mosquitto', roomTopic(room), texts.map((text) => JSON.stringify({ id: crypto.randomUUID(), from: 'Peer', text, ts: Date.now() }))),
  },
  {
    name: 'XMPP, Prosody',
    config: async () => {
      const { url, password } = await xmppEnv();
      const user = await xmppUser('sam');
      return { config: { protocol: 'xmpp', url, user, password, options: FAST }, room: '' };
    },
    send: async () => undefined,
  },
];

describe('storage faults: store-then-ack on every transport', () => {
  for (const peer of peers) {
    it(`${peer.name}: messages that could not be stored are not acknowledged, and all arrive once the fault clears`, async () => {
      const { engine, events, fail, open, stored } = await engineWithFault();
      let { config, room } = await peer.config();
      let send = peer.send;
      if (config.protocol === 'xmpp') {
        // A real XMPP client (slixmpp) writes to us one-to-one.
        const other = await startPeer('peer');
        room = other.jid;
        send = async (_room, texts) => {
          for (const text of texts) await other.do({ op: 'send', to: config.user, text });
          await other.sync();
        };
      }
      const conversation = await open(config, room);
      const texts = Array.from({ length: 8 }, (_, i) => `message ${i + 1}`);

      fail(true);
      await send(room, texts.slice(0, 4));
      const refused = await waitFor(() => events.find((e) => e.type === 'error' && e.error.code === 'storage-quota'), 15_000, 'the storage error');
      expect(refused.type === 'error' && refused.error.message).to.match(/storage for this site is full/);
      // While the disk is full, the link is dropped again and again; nothing is shown.
      await waitFor(() => events.some((e) => e.type === 'state' && e.change.to === 'reconnecting' && e.change.reason === 'storage'), 15_000, 'the link dropped');
      expect(events.filter((e) => e.type === 'message')).to.have.length(0);

      fail(false);
      await send(room, texts.slice(4));
      await waitFor(async () => (await stored(conversation)).length >= texts.length, 30_000, 'every message stored');
      // Once each, in the order the peer sent them.
      expect(await stored(conversation)).to.deep.equal(texts);
      expect(events.filter((e) => e.type === 'message').map((e) => e.type === 'message' && e.message.text)).to.deep.equal(texts);
      engine.offline();
    });
  }

  // A send's frame does not wait for its record's commit (docs/engine.md, "Write-behind"): when
  // that commit fails, the message must neither be lost nor sent twice.
  it('JSON relay: a message whose record cannot be kept is sent once from memory, online or after the link returns', async () => {
    const { engine, events, fail, open } = await engineWithFault();
    const { config, room } = await peers[0]!.config();
    const conversation = await open(config, room);
    const peer = await watchRelay((await env()).relayUrl, room, 'Peer');
    const received = peer.texts;
    const statuses = (id: string) => events.flatMap((e) => (e.type === 'status' && e.id === id ? [e.status] : []));
    const kept = await engine.send(conversation, 'kept');
    await waitFor(() => statuses(kept.id).includes('sent'), 10_000, 'the first message acked');

    fail(true);
    const online = await engine.send(conversation, 'sent from memory');
    const error = await waitFor(() => events.find((e) => e.type === 'error' && e.error.code === 'storage-quota'), 10_000, 'the storage error');
    expect(error.type === 'error' && error.error.message).to.match(/could not be kept in this browser.*storage for this site is full/);
    await waitFor(() => statuses(online.id).includes('sent'), 10_000, 'the unkept message acked');

    engine.offline();
    await waitFor(() => events.some((e) => e.type === 'state' && e.change.to === 'offline'), 10_000, 'the link down');
    const offline = await engine.send(conversation, 'queued in memory');
    expect(offline.status, 'no link to send it on').to.equal('queued');
    // The disk recovers, but this message was never stored: only memory has it.
    fail(false);
    engine.wake('network-online');
    await waitFor(() => statuses(offline.id).includes('sent'), 15_000, 'the message queued in memory acked');
    await waitFor(() => received.length >= 3, 5_000, 'all three at the peer');
    expect(received, 'each once, in order').to.deep.equal(['kept', 'sent from memory', 'queued in memory']);
    // The relay's catch-up on the new link gives back what it had of ours: history may hold it, once.
    const history = (await engine.history.page(conversation, undefined, 10)).messages.map((m) => m.text);
    expect(history).to.include('kept');
    expect(new Set(history).size, `history: ${history.join(', ')}`).to.equal(history.length);
    peer.close();
    engine.offline();
  });

  // The tabs hear an ack's `sent` when its write is issued, before the commit (docs/engine.md,
  // "Acks and refusals"). When that commit fails, the message is still queued in storage: the
  // engine drops the link, and the next one sends it again under its id, which the relay keeps once.
  it('JSON relay: an ack whose write fails leaves the message queued; a new link sends it again, and the room has it once', async () => {
    const { engine, events, fail, open } = await engineWithFault();
    const { config, room } = await peers[0]!.config();
    const conversation = await open(config, room);
    const peer = await watchRelay((await env()).relayUrl, room, 'Peer');
    const statuses = (id: string) => events.flatMap((e) => (e.type === 'status' && e.id === id ? [e.status] : []));
    fail(true, 'settle');
    const sent = await engine.send(conversation, 'acked, not written');
    const error = await waitFor(() => events.find((e) => e.type === 'error' && e.error.code === 'storage-quota'), 10_000, 'the storage error');
    expect(error.type === 'error' && error.error.message).to.match(/answer to your message could not be saved.*goes again.*storage for this site is full/);
    expect(statuses(sent.id), 'the answer heard').to.include('sent');
    // While settles fail, each new link's answer fails to be written too: it stays queued.
    expect((await engine.history.get(conversation, sent.id))?.status, 'still queued in storage').to.equal('queued');
    await waitFor(() => events.some((e) => e.type === 'state' && e.change.reason === 'storage'), 10_000, 'the link dropped by the engine');
    fail(false);
    await waitFor(async () => (await engine.history.get(conversation, sent.id))?.status === 'sent', 15_000, 'stored as sent after the resend');
    const heard = statuses(sent.id);
    expect(heard.indexOf('queued', heard.indexOf('sent')), `queued again after the first answer: ${heard.join(', ')}`).to.be.greaterThan(heard.indexOf('sent'));
    expect(heard.at(-1), 'then its answer').to.equal('sent');
    // The relay handles one socket's frames in order: a second copy would come before this.
    await engine.send(conversation, 'after');
    await waitFor(() => peer.texts.includes('after'), 10_000, 'a later message at the peer');
    expect(peer.texts, 'the room got it once').to.deep.equal(['acked, not written', 'after']);
    peer.close();
    engine.offline();
  });

  it('JSON relay: a message queued in memory only (its record could not be kept) can be cancelled, and never reaches the room', async () => {
    const { engine, events, fail, open } = await engineWithFault();
    const { config, room } = await peers[0]!.config();
    const conversation = await open(config, room);
    const peer = await watchRelay((await env()).relayUrl, room, 'Peer');
    engine.offline();
    await waitFor(() => events.some((e) => e.type === 'state' && e.change.to === 'offline'), 10_000, 'the link down');
    fail(true);
    const unkept = await engine.send(conversation, 'cancelled from memory');
    await waitFor(() => events.some((e) => e.type === 'error' && e.error.code === 'storage-quota'), 10_000, 'the storage error');
    fail(false);
    expect(await engine.history.get(conversation, unkept.id), 'no record: only memory has it').to.equal(undefined);

    await engine.cancel(conversation, unkept.id);
    expect(events.some((e) => e.type === 'removed' && e.id === unkept.id), 'the tabs told it is gone').to.equal(true);
    await engine.send(conversation, 'after');
    engine.wake('network-online');
    await waitFor(() => peer.texts.includes('after'), 15_000, 'the next message at the peer');
    expect(peer.texts, 'the cancelled one never sent').to.deep.equal(['after']);
    peer.close();
    engine.offline();
  });

  // A cancel stops the upload, then deletes the record and its files' Blobs in one transaction
  // (worker/withdraw.ts, docs/engine.md "Withdrawn"). When that delete fails, the message must
  // stay whole: its upload starts again, and the room gets it once.
  it('JSON relay: a cancel whose delete fails keeps the message and its file; the upload goes on and the room gets it once', async () => {
    const { engine, events, fail, open } = await engineWithFault();
    const gate = await uploadGate();
    const { config, room } = await peers[0]!.config();
    const conversation = await open({ ...config, uploadUrl: gate.url }, room);
    const peer = await watchRelay((await env()).relayUrl, room, 'Peer');
    const sent = await engine.sendFiles(conversation, [pdfFile()], 'kept through a failed cancel');
    await waitFor(async () => (await gate.stats()).requests === 1, 10_000, 'the upload held at the gate');

    fail(true);
    const refused = await engine.cancel(conversation, sent.id).then(() => undefined, (e: unknown) => e);
    fail(false);
    expect((refused as DOMException | undefined)?.name, 'the cancel fails with the storage error').to.equal('QuotaExceededError');
    expect(events.some((e) => e.type === 'removed' && e.id === sent.id), 'the tabs told nothing was removed').to.equal(false);
    expect((await engine.history.get(conversation, sent.id))?.text, 'the message still stored').to.equal('kept through a failed cancel');
    // The cancel had stopped the first upload; the file is still there, so a second one starts.
    await waitFor(async () => (await gate.stats()).requests === 2, 10_000, 'the upload started again');
    expect((await gate.stats()).aborted, 'the first upload aborted').to.equal(1);

    await gate.set(true);
    await waitFor(() => peer.texts.includes('kept through a failed cancel'), 20_000, 'the message at the peer');
    // The relay handles one socket's frames in order: a second copy would come before this.
    await engine.send(conversation, 'after');
    await waitFor(() => peer.texts.includes('after'), 10_000, 'a later message at the peer');
    expect(peer.texts, 'the room got it once').to.deep.equal(['kept through a failed cancel', 'after']);
    peer.close();
    engine.offline();
  });

  // The fallback's leader can die between a send's frame and its commit; its follower then
  // sends the call again, with the id it picked, to a new engine on the same database
  // (worker/fallback/tab.worker.ts): the room must get the message once.
  it('JSON relay: a send repeated with its id to a new engine, after the first sent it but could not store it, reaches the room once', async () => {
    const first = await engineWithFault();
    const { config, room } = await peers[0]!.config();
    const peer = await watchRelay((await env()).relayUrl, room, 'Peer');
    const conversation = await first.open(config, room);
    const id = crypto.randomUUID();
    first.fail(true);
    const sent = await first.engine.send(conversation, 'once', undefined, { id });
    expect(sent.id, 'the id the caller picked').to.equal(id);
    await waitFor(() => peer.texts.includes('once'), 10_000, 'the message at the peer');
    expect(await first.engine.history.get(conversation, id), 'not stored').to.equal(undefined);
    first.engine.offline();

    const second = new Engine({ dbName: first.dbName, load: loadTransport });
    const events: EngineEvent[] = [];
    const tabId = await heldTab();
    second.tabs.add(tabId, (e) => void events.push(e));
    await second.open(tabId, config, room);
    const again = await second.send(conversation, 'once', undefined, { id });
    expect(again.id).to.equal(id);
    await waitFor(async () => (await second.history.get(conversation, id))?.status === 'sent', 10_000, 'the repeat acked');
    // A repeat of a stored message returns it and sends nothing.
    const third = await second.send(conversation, 'once', undefined, { id });
    expect(third, 'the stored message').to.deep.include({ id, text: 'once', status: (await second.history.get(conversation, id))!.status });
    // The relay handles one socket's frames in order: a second copy would come before this.
    await second.send(conversation, 'after');
    await waitFor(() => peer.texts.includes('after'), 10_000, 'a later message at the peer');
    expect(peer.texts, 'the room got it once').to.deep.equal(['once', 'after']);
    const page = (await second.history.page(conversation, undefined, 10)).messages.map((m) => m.text);
    expect(page.filter((t) => t === 'once'), `history: ${page.join(', ')}`).to.have.length(1);
    peer.close();
    second.offline();
  });
});
