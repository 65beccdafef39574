import { expect } from '@esm-bundle/chai';
import type { ChatMessage, ConnectionConfig, EngineEvent, Protocol } from '../../worker/api.ts';
import { Engine } from '../../worker/engine.ts';
import { ParleyError } from '../../worker/errors.ts';
import { loadTransport } from '../../worker/transports/load.ts';
import type { TransportModule } from '../../worker/transports/transport.ts';
import { watchRelay, type RelayWatcher } from './relay-watcher.ts';
import { connected, env, openTab, reloadTab, sendNow, startProxy, stateText, statuses, texts, type, uniqueName, waitFor } from './tabs.ts';

const shadow = (chat: Parameters<typeof stateText>[0]) => chat.shadowRoot!;

/** Rooms' `joined` reports, held back while `hold` is set, each until the test calls it from `held`. */
interface HeldJoins {
  hold: boolean;
  held: (() => void)[];
}

/**
 * An engine in this page (the SharedWorker's code), on the real servers, whose transport
 * refuses the first send of each text in `refuseOnce` as a server would, later and with a
 * refusal that Retry can pass (`not-joined`), so that the retried message reaches the server.
 * With `joins`, the transport's `joined` reports wait while `joins.hold` is set.
 */
async function engineRefusingOnce(refuseOnce: Set<string>, joins?: HeldJoins) {
  const load = async (protocol: Protocol): Promise<TransportModule> => {
    const module = await loadTransport(protocol);
    const create: TransportModule['create'] = (config, events, context, session) => {
      const joined = (room: string) => (joins?.hold ? void joins.held.push(() => events.joined(room)) : events.joined(room));
      const transport = module.create(config, { ...events, joined }, context, session);
      const send = transport.send.bind(transport);
      transport.send = (message) => {
        if (!refuseOnce.delete(message.text)) return send(message);
        setTimeout(() => events.reject(message.id, new ParleyError('not-joined', 'Join the room before sending to it.')));
      };
      return transport;
    };
    return { ...module, create };
  };
  const engine = new Engine({ dbName: uniqueName('refusing'), load });
  // A tab id whose Web Lock this page holds for good, as a live tab does.
  const tabId = uniqueName('tab');
  await new Promise<void>((held) => navigator.locks.request(`parley-tab:${tabId}`, () => (held(), new Promise<never>(() => undefined))));
  const events: EngineEvent[] = [];
  engine.tabs.add(tabId, (e) => void events.push(e));
  const open = async (config: ConnectionConfig, room: string, waitJoined = true) => {
    const { conversation } = await engine.open(tabId, config, room);
    if (waitJoined) await waitFor(() => events.some((e) => e.type === 'joined' && e.conversation === conversation), 15_000, 'the room joined');
    return conversation;
  };
  const statusesOf = (id: string) => events.flatMap((e) => (e.type === 'status' && e.id === id ? [e.status] : []));
  const removed = (id: string) => events.some((e) => e.type === 'removed' && e.id === id);
  return { engine, open, statusesOf, removed };
}

/**
 * A cancel raced a drain pass; `outcome` is what cancel() did ('withdrawn', or the code it
 * threw). Sends one more message as a marker, and checks that the cancel won or lost, never
 * both, as the room's peer and the tab see it: withdrawn, the peer never got the message and
 * the tab was told `removed`; refused (`not-cancellable`), the peer got it once and the tab
 * shows it sent.
 */
async function expectWonOrLost(
  { engine, statusesOf, removed }: Awaited<ReturnType<typeof engineRefusingOnce>>,
  peer: RelayWatcher,
  conversation: string,
  message: ChatMessage,
  outcome: string | undefined,
  /** What else the peer gets before the marker, in order, after `message` if that goes. */
  others: string[] = [],
) {
  const marker = await engine.send(conversation, 'sent after the cancel');
  // The relay passes a link's frames on in order: the marker comes after the cancelled one, if that went.
  await waitFor(() => peer.texts.includes(marker.text), 10_000, 'the marker at the peer');
  await waitFor(() => statusesOf(marker.id).at(-1) === 'sent', 10_000, 'the marker acked');
  const stored = (await engine.page(conversation)).messages.map((m) => m.text);
  if (outcome === 'withdrawn') {
    expect(peer.texts, 'a withdrawn message never reaches the room').to.deep.equal([...others, marker.text]);
    expect(removed(message.id), 'the tab told removed').to.equal(true);
    expect(stored.sort(), 'history').to.deep.equal([...others, marker.text].sort());
  } else {
    expect(outcome, 'a cancel that loses says so').to.equal('not-cancellable');
    expect(peer.texts, 'the message reached the room once').to.deep.equal([message.text, ...others, marker.text]);
    expect(removed(message.id), 'the tab told removed').to.equal(false);
    await waitFor(() => statusesOf(message.id).at(-1) === 'sent', 10_000, 'the message shown sent');
    expect(stored.sort(), 'history').to.deep.equal([message.text, ...others, marker.text].sort());
  }
}

/** What cancel() did: 'withdrawn', or the code of its refusal. */
const cancelled = (p: Promise<void>): Promise<string | undefined> => p.then(() => 'withdrawn', (e: { code?: string }) => e.code);

describe('outbox and history, as the visitor sees them', () => {
  it('refuses a message past the outbox bound with a clear error, dropping nothing', async () => {
    const proxy = await startProxy();
    const tab = await openTab({ engine: uniqueName('bound'), user: 'Bea', server: proxy.url, options: { outboxLimit: 3, backoffBase: 100, backoffCap: 500 } });
    await connected(tab.chat);
    await proxy.mode('refuse');
    await waitFor(() => stateText(tab.chat) !== 'Connected', 10_000, 'the link lost');
    for (const text of ['q1', 'q2', 'q3']) await type(tab.chat, text);
    sendNow(tab.chat, 'q4');
    const alert = await waitFor(() => shadow(tab.chat).querySelector('[role=alert]'), 5_000, 'an error');
    expect(alert.textContent).to.match(/3 messages are still waiting to be sent/);
    expect(shadow(tab.chat).querySelector('textarea')!.value, 'the text is kept').to.equal('q4');
    expect(texts(tab.chat)).to.deep.equal(['q1', 'q2', 'q3']);
    expect(statuses(tab.chat)).to.deep.equal(['queued', 'queued', 'queued']);

    await proxy.mode('forward');
    await waitFor(() => statuses(tab.chat).join() === 'sent,sent,sent', 15_000, 'the queue drained');
    await type(tab.chat, 'q4');
    await waitFor(() => statuses(tab.chat).join() === 'sent,sent,sent,sent', 5_000, 'q4 sent');
    tab.close();
  });

  it('shows a message on the wire as sending to a tab opened meanwhile, refuses to cancel it, and queues it again when the link drops', async () => {
    const proxy = await startProxy();
    const engine = uniqueName('wire');
    const room = uniqueName('room');
    const options = { heartbeatInterval: 1_000, heartbeatTimeout: 1_500, backoffBase: 100, backoffCap: 500 };
    const ada = await openTab({ engine, user: 'Ada', server: proxy.url, room, options });
    await connected(ada.chat);
    // The link stays up but nothing comes back: the message goes out and waits for its ack.
    await proxy.mode('blackhole');
    await type(ada.chat, 'on the wire');
    await waitFor(() => statuses(ada.chat).join() === 'sending', 5_000, 'sending');
    // The engine stores no `sending` (worker/outbox-drain.ts): a tab that reads the history page
    // must still see the message as on its way, not waiting.
    const later = await openTab({ engine, user: 'Ada', server: proxy.url, room, options });
    await waitFor(() => texts(later.chat).includes('on the wire'), 5_000, 'the message in the second tab');
    expect(statuses(later.chat)).to.deep.equal(['sending']);
    const id = ada.chat.messages[0]!.id;
    const refusal = await ada.chat.session.cancel(id)!.then(() => undefined, (e: { code?: string }) => e);
    expect(refusal?.code, 'cancel of a message on the wire').to.equal('not-cancellable');

    // The heartbeat finds the link dead: the message waits for the next one, in both tabs.
    await waitFor(() => statuses(ada.chat).join() === 'queued' && statuses(later.chat).join() === 'queued', 10_000, 'queued again');
    await proxy.mode('forward');
    await waitFor(() => statuses(ada.chat).join() === 'sent' && statuses(later.chat).join() === 'sent', 15_000, 'sent once the link is back');
    expect(texts(ada.chat)).to.deep.equal(['on the wire']);
    ada.close();
    later.close();
  });

  it('shows a refused message as failed with the reason, and Delete removes it for good', async () => {
    const { relayUrl } = await env();
    // The widget allows longer text than this relay does, so the relay refuses it.
    let tab = await openTab({ engine: uniqueName('refused'), user: 'Rex', server: relayUrl, options: { maxTextLength: 20_000 } });
    await connected(tab.chat);
    await type(tab.chat, 'x'.repeat(12_000));
    await waitFor(() => statuses(tab.chat).join() === 'failed', 5_000, 'failed');
    expect(shadow(tab.chat).querySelector('.message.failed')!.textContent).to.match(/Not sent: Messages can be at most 10000 characters/);
    await type(tab.chat, 'short one');
    // The refused one is not in the relay's order, so it stays last (worker/order.ts).
    await waitFor(() => statuses(tab.chat).join() === 'sent,failed', 5_000, 'the next message is not blocked');

    // The same text would be refused again (worker/codes.ts, PERMANENT_REFUSALS): no Retry button.
    const buttons = await waitFor(() => {
      const found = [...shadow(tab.chat).querySelectorAll<HTMLButtonElement>('.message.failed button')].map((b) => b.textContent);
      return found.length > 0 && found;
    }, 5_000, 'the failed message drawn with its buttons');
    expect(buttons).to.deep.equal(['Edit', 'Delete']);
    // The engine still retries when asked: queued, then refused again, faster than polling can see.
    const failedId = tab.chat.messages.find((m) => m.status === 'failed')!.id;
    const seen: string[] = [];
    const merge = tab.chat.session.merge.bind(tab.chat.session);
    tab.chat.session.merge = (incoming) => {
      for (const m of incoming) if (m.id === failedId && m.status) seen.push(m.status);
      merge(incoming);
    };
    await tab.chat.session.retry(failedId);
    await waitFor(() => seen.includes('queued') && statuses(tab.chat)[1] === 'failed', 5_000, 'retried and refused again');

    // The row is drawn again a frame or so after its status changes: wait for its button.
    const remove = await waitFor(
      () => [...shadow(tab.chat).querySelectorAll<HTMLButtonElement>('.message.failed button')].find((b) => b.textContent === 'Delete'),
      5_000,
      'the failed message drawn again with Delete',
    );
    remove.click();
    await waitFor(() => texts(tab.chat).length === 1, 5_000, 'removed');
    tab = await reloadTab(tab);
    await waitFor(() => texts(tab.chat).length === 1, 5_000, 'history after reload');
    expect(texts(tab.chat)).to.deep.equal(['short one']);
    tab.close();
  });

  // A script can retry and send without waiting in between. The retry's requeue is still being
  // written when the send comes, and the send must neither take an earlier place in the queue
  // nor go straight out ahead of it (docs/engine.md, "Retry's place"): the room gets them in
  // the order they were asked for.
  it('sends a retried message before a message sent right after the retry', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const { engine, open, statusesOf } = await engineRefusingOnce(new Set(['refused, then retried']));
    const conversation = await open({ protocol: 'websocket', url: relayUrl, user: 'Rae' }, room);
    const peer = await watchRelay(relayUrl, room, 'Peer');
    const refused = await engine.send(conversation, 'refused, then retried');
    await waitFor(() => statusesOf(refused.id).includes('failed'), 10_000, 'the first message refused');

    // In the same task, as a script would: neither waits for the other.
    const [, after] = await Promise.all([engine.retry(conversation, refused.id), engine.send(conversation, 'sent after the retry')]);
    await waitFor(() => [refused.id, after.id].every((id) => statusesOf(id).at(-1) === 'sent'), 10_000, 'both acked');
    // Nothing is left behind, so the next message goes out at once again, without a pass.
    expect((await engine.send(conversation, 'sent last')).status, 'the next message straight out').to.equal('sending');
    await waitFor(() => peer.texts.length >= 3, 10_000, 'three messages at the peer');
    expect(peer.texts).to.deep.equal(['refused, then retried', 'sent after the retry', 'sent last']);
    peer.close();
    engine.offline();
  });

  // A cancel reads the message, then deletes it; a drain pass that runs in between (the room
  // goes live, a flush) must not put it on the wire, or the tabs are told `removed` while the
  // room has it (docs/engine.md, "Withdrawn"). The room goes live right in that gap here: the
  // engine's delete waits for the pass to end.
  it('never sends a queued message that is withdrawn as its room goes live', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const joins: HeldJoins = { hold: true, held: [] };
    const test = await engineRefusingOnce(new Set(), joins);
    const conversation = await test.open({ protocol: 'websocket', url: relayUrl, user: 'Cy' }, room, false);
    await waitFor(() => joins.held.length > 0, 15_000, 'the relay answering the join');
    const peer = await watchRelay(relayUrl, room, 'Peer');
    // The room is not live yet: both wait in the outbox, and go with the pass when it is.
    const message = await test.engine.send(conversation, 'withdrawn as the room goes live');
    const next = await test.engine.send(conversation, 'sent as the room goes live');
    expect([message.status, next.status]).to.deep.equal(['queued', 'queued']);
    const remove = test.engine.history.delete.bind(test.engine.history);
    test.engine.history.delete = async (conversation, id) => {
      joins.hold = false;
      for (const join of joins.held.splice(0)) join();
      await waitFor(() => test.statusesOf(next.id).includes('sending'), 10_000, 'the pass after the join');
      return remove(conversation, id);
    };

    const outcome = await cancelled(test.engine.cancel(conversation, message.id));
    await expectWonOrLost(test, peer, conversation, message, outcome, [next.text]);
    peer.close();
    test.engine.offline();
  });

  it('never sends a failed message that is withdrawn while it is retried', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const test = await engineRefusingOnce(new Set(['refused, then retried and withdrawn']));
    const conversation = await test.open({ protocol: 'websocket', url: relayUrl, user: 'Di' }, room);
    const peer = await watchRelay(relayUrl, room, 'Peer');
    const message = await test.engine.send(conversation, 'refused, then retried and withdrawn');
    await waitFor(() => test.statusesOf(message.id).includes('failed'), 10_000, 'the message refused');

    // In the same task, as a double action in a script: neither waits for the other.
    const [, outcome] = await Promise.all([test.engine.retry(conversation, message.id), cancelled(test.engine.cancel(conversation, message.id))]);
    await expectWonOrLost(test, peer, conversation, message, outcome);
    peer.close();
    test.engine.offline();
  });

  it('asks the server for older pages when local history runs out', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('paging');
    const bob = await openTab({ engine: uniqueName('bob'), user: 'Bob', server: relayUrl, room });
    await connected(bob.chat);
    const all = Array.from({ length: 70 }, (_, i) => `m${i + 1}`);
    for (const text of all) await type(bob.chat, text);
    await waitFor(() => statuses(bob.chat).filter((s) => s === 'sent').length === 70, 10_000, '70 sent');

    const carol = await openTab({ engine: uniqueName('carol'), user: 'Carol', server: relayUrl, room });
    await waitFor(() => texts(carol.chat).length === 50, 10_000, 'the first page');
    expect(texts(carol.chat)).to.deep.equal(all.slice(20));
    const older = () => shadow(carol.chat).querySelector<HTMLButtonElement>('.older button');
    await waitFor(older, 5_000, 'Show earlier messages');
    older()!.click();
    await waitFor(() => texts(carol.chat).length === 70, 10_000, 'the older page from the server');
    expect(texts(carol.chat)).to.deep.equal(all);
    older()?.click();
    await waitFor(() => !older(), 5_000, 'no more to show');
    bob.close();
    carol.close();
  });
});
