import { expect } from '@esm-bundle/chai';
import type { EngineClient } from '../../widget/engine-client.ts';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { watchRelay } from './relay-watcher.ts';
import { env, eventually, stateText, texts, type, uniqueName, waitFor } from './tabs.ts';

/**
 * Browsers without SharedWorker: each tab (an iframe here; its dedicated worker dies with it)
 * runs a worker, one leads (worker/fallback/tab.worker.ts). SharedWorker is deleted before
 * the widget loads (fixtures/tab-without-shared-worker.html).
 */
interface FallbackTab {
  frame: HTMLIFrameElement;
  chat: ParleyChat;
  client: EngineClient;
}

async function openTab(engine: string, room: string, user: string, server: string): Promise<FallbackTab> {
  const frame = document.createElement('iframe');
  frame.src = `/test/browser/fixtures/tab-without-shared-worker.html?${new URLSearchParams({ engine, room, user, server })}`;
  document.body.append(frame);
  await new Promise((loaded) => frame.addEventListener('load', loaded, { once: true }));
  const win = frame.contentWindow as Window & { parleyClient?: Promise<EngineClient> };
  const client = await (await waitFor(() => win.parleyClient, 5_000, 'the engine client'));
  const chat = await waitFor(() => frame.contentDocument?.querySelector('parley-chat')?.shadowRoot && (frame.contentDocument.querySelector('parley-chat') as ParleyChat));
  await waitFor(() => stateText(chat) === 'Connected', 15_000, 'Connected');
  return { frame, chat, client };
}

describe('without SharedWorker', () => {
  it('runs one engine in the leader tab, which followers use; both see each other', async () => {
    const { relayUrl } = await env();
    const engine = uniqueName('fallback');
    const room = uniqueName('room');
    const a = await openTab(engine, room, 'Ada', relayUrl);
    const b = await openTab(engine, room, 'Ada', relayUrl);
    expect((await a.client.api.stats()).mode).to.equal('leader');
    const stats = await b.client.api.stats();
    expect(stats.mode).to.equal('follower');
    expect(Object.values(stats.opens), 'one connection for both tabs').to.deep.equal([1]);
    await type(a.chat, 'from the leader');
    await type(b.chat, 'from the follower');
    await waitFor(() => texts(a.chat).join() === 'from the leader,from the follower', 5_000, 'both in tab a');
    await waitFor(() => texts(b.chat).join() === 'from the leader,from the follower', 5_000, 'both in tab b');
    expect((await a.client.api.stats()).tabs).to.equal(2);

    // A closed follower tab is noticed by its tab lock, as with a SharedWorker.
    b.frame.remove();
    await eventually(async () => (await a.client.api.stats()).tabs === 1, 5_000, 'the leader to drop the closed tab');
    a.frame.remove();
  });

  it("passes a follower's read cursor and draft through the leader: the peer gets the marker, the leader's tab the draft", async () => {
    const { relayUrl } = await env();
    const engine = uniqueName('fallback');
    const room = uniqueName('room');
    const a = await openTab(engine, room, 'Ada', relayUrl);
    const b = await openTab(engine, room, 'Ada', relayUrl);
    expect((await b.client.api.stats()).mode).to.equal('follower');
    // Another visitor, straight on the relay: writes one message, then waits for a read marker.
    const ws = new WebSocket(relayUrl);
    const frames: { type: string; from?: string; id?: string }[] = [];
    ws.onmessage = (e) => frames.push(JSON.parse(e.data as string));
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', v: 1, user: 'Ola' }));
    await waitFor(() => frames.some((f) => f.type === 'welcome'), 5_000, 'welcome');
    ws.send(JSON.stringify({ type: 'join', room }));
    await waitFor(() => frames.some((f) => f.type === 'joined'), 5_000, 'joined');
    ws.send(JSON.stringify({ type: 'msg', id: 'from-ola', room, text: 'from Ola', ts: Date.now() }));
    const message = await waitFor(() => b.chat.messages.find((m) => m.id === 'from-ola'), 5_000, 'the message at the follower');

    await b.chat.session.markRead(message.order);
    await waitFor(() => frames.some((f) => f.type === 'read' && f.id === 'from-ola' && f.from === 'Ada'), 5_000, 'the read marker at Ola');
    expect(await a.client.api.unread(a.chat.conversation!)).to.deep.equal({ read: message.order, unread: 0 });

    await b.chat.session.setDraft('drafted in the follower');
    await waitFor(() => a.chat.shadowRoot!.querySelector('textarea')!.value === 'drafted in the follower', 5_000, "the draft in the leader's tab");
    ws.close();
    b.frame.remove();
    a.frame.remove();
  });

  it('hands over within 2 s when the leader tab closes during a send burst; nothing lost, nothing doubled', async () => {
    const { relayUrl } = await env();
    const engine = uniqueName('takeover');
    const room = uniqueName('room');
    const watcher = await watchRelay(relayUrl, room);
    const leader = await openTab(engine, room, 'Ben', relayUrl);
    const follower = await openTab(engine, room, 'Ben', relayUrl);
    const { api } = follower.client;
    const conversation = follower.chat.conversation!;
    const burst = Array.from({ length: 30 }, (_, i) => `burst ${i + 1}`);
    // The leader queues some of its own, then closes while the follower is mid-burst.
    const leaderSends = ['leader 1', 'leader 2', 'leader 3'].map((t) => leader.client.api.send(conversation, t));
    await Promise.all(leaderSends);
    let handover = 0;
    for (const [i, text] of burst.entries()) {
      const sending = api.send(conversation, text);
      if (i !== 10) {
        await sending;
        continue;
      }
      // This send is in flight to the leader as its tab goes; the new leader answers it.
      leader.frame.remove();
      const closedAt = performance.now();
      await sending;
      handover = performance.now() - closedAt;
    }
    expect(handover, 'ms from the leader tab closing to the next answer').to.be.below(2_000);
    expect((await api.stats()).mode).to.equal('leader');
    const expected = ['leader 1', 'leader 2', 'leader 3', ...burst];
    await waitFor(() => watcher.texts.length >= expected.length, 15_000, 'every message at the relay');
    expect([...watcher.texts].sort()).to.deep.equal([...expected].sort());
    expect(watcher.texts.filter((t) => t.startsWith('burst')), 'the burst in order').to.deep.equal(burst);
    // The relay has them all; the tab shows each once its event arrives.
    const shown = () => texts(follower.chat).filter((t) => t.startsWith('burst'));
    await waitFor(() => shown().length >= burst.length, 5_000, 'the burst in the tab').catch(() => undefined);
    expect(shown()).to.deep.equal(burst);
    watcher.close();
    follower.frame.remove();
  });
});
