import { expect } from '@esm-bundle/chai';
import { connected, openTab, sleep, stateText, statuses, texts, type, uniqueName, waitFor } from './tabs.ts';
import { command, FAST, startPeer, xmppEnv, xmppUser } from './xmpp-env.ts';

// Prosody killed during a burst is a scenario of the fault matrix (fault-matrix.test.ts).


describe('XMPP recovery', () => {
  it('after 30 s offline, shows the 20 messages the peer sent meanwhile, in order, once (MAM)', async function () {
    this.timeout(120_000);
    const { proxyUrl, password } = await xmppEnv();
    const peer = await startPeer('sender');
    const ann = await xmppUser('ann');
    const a = await openTab({ engine: uniqueName('offline'), protocol: 'xmpp', server: proxyUrl, user: ann, password, room: peer.jid, options: FAST });
    try {
      await waitFor(() => stateText(a.chat) === 'Connected', 15_000, 'connected');
      await peer.do({ op: 'send', to: ann, text: 'before' });
      await waitFor(() => texts(a.chat).includes('before'), 10_000, 'the first message');

      await command('xmpp-proxy', { mode: 'refuse' });
      await waitFor(() => stateText(a.chat) !== 'Connected', 15_000, 'the widget to notice');
      const missed = Array.from({ length: 20 }, (_, i) => `missed ${i + 1}`);
      for (const text of missed) await peer.do({ op: 'send', to: ann, text });
      // Longer than the server keeps the session resumable (20 s): the catch-up must come from MAM.
      await sleep(30_000);
      expect(texts(a.chat)).to.deep.equal(['before']);
      await command('xmpp-proxy', { mode: 'forward' });

      // A one-to-one room is joined once its archive catch-up is over: nothing of it comes later.
      await waitFor(() => texts(a.chat).length >= 21 && a.chat.session.joined, 20_000, 'the missed messages').catch((e) => {
        throw new Error(`${e.message}; the widget says "${stateText(a.chat)}" and shows ${JSON.stringify(texts(a.chat))}`);
      });
      expect(texts(a.chat)).to.deep.equal(['before', ...missed]);
    } finally {
      await command('xmpp-proxy', { mode: 'forward' });
      await peer.stop();
      a.close();
    }
  });

  it('sends again, once, a message the server crashed on after it archived only the sender\'s copy', async function () {
    this.timeout(90_000);
    const { url, password, crashPrefix } = await xmppEnv();
    const ann = await xmppUser('ann');
    const bob = await xmppUser('bob');
    const tab = (user: string, room: string) => openTab({ engine: uniqueName('crash'), protocol: 'xmpp', server: url, user, password, room, options: FAST });
    const a = await tab(ann, bob);
    const b = await tab(bob, ann);
    try {
      await Promise.all([connected(a.chat), connected(b.chat)]);
      await type(a.chat, 'before');
      await waitFor(() => texts(b.chat).includes('before'), 10_000, 'the first message at Bob');
      // Prosody exits inside this stanza, after `pre-message` archived Ann's copy and before
      // `message/bare` archived Bob's (demo/prosody.ts, crashOn): no ack, and Bob never got it.
      const text = `${crashPrefix!}${uniqueName('m')}`;
      await type(a.chat, text);
      await waitFor(() => stateText(a.chat) !== 'Connected', 15_000, 'Ann to see the server go');
      await command('prosody-start');
      // Ann's archive has her copy; Bob's has none. Ann's outbox must send it again.
      await waitFor(() => texts(b.chat).includes(text), 30_000, 'the message at Bob after the restart').catch((e: Error) => {
        throw new Error(`${e.message}; Ann's statuses ${statuses(a.chat).join()}, Bob has ${JSON.stringify(texts(b.chat))}`);
      });
      await waitFor(() => statuses(a.chat).length === 2 && statuses(a.chat).every((s) => s !== 'queued' && s !== 'sending'), 15_000, "Ann's messages acked");
      expect(texts(b.chat).filter((t) => t === text), 'once at Bob').to.have.length(1);
    } finally {
      await command('prosody-start');
      a.close();
      b.close();
    }
  });

  it('sends a message typed into a dead link exactly once, when the link comes back', async function () {
    this.timeout(90_000);
    const { proxyUrl, password } = await xmppEnv();
    const peer = await startPeer('counter');
    const ann = await xmppUser('ann');
    const a = await openTab({ engine: uniqueName('dead-link'), protocol: 'xmpp', server: proxyUrl, user: ann, password, room: peer.jid, options: FAST });
    try {
      await waitFor(() => stateText(a.chat) === 'Connected', 15_000, 'connected');
      // The link stays up but carries nothing, as a dead NAT does; the heartbeat must notice.
      await command('xmpp-proxy', { mode: 'blackhole' });
      await type(a.chat, 'typed into the void');
      await waitFor(() => stateText(a.chat) !== 'Connected', 15_000, 'the heartbeat to notice');
      await command('xmpp-proxy', { mode: 'forward' });
      await waitFor(() => statuses(a.chat).join() === 'delivered', 30_000, 'the message delivered after the link is back');
      // slixmpp does not deduplicate: a second copy on the wire would show here. A resend would
      // have gone out before this next message, and the server keeps their order (RFC 6120 §10.1).
      await type(a.chat, 'and one more');
      const received = await waitFor(async () => {
        const all = await peer.received();
        return all.some((m) => m.text === 'and one more') && all;
      }, 10_000, 'the next message at slixmpp');
      expect(received.filter((m) => m.text === 'typed into the void')).to.have.length(1);
    } finally {
      await command('xmpp-proxy', { mode: 'forward' });
      await peer.stop();
      a.close();
    }
  });
});
