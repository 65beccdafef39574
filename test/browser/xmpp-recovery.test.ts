import { expect } from '@esm-bundle/chai';
import { openTab, sleep, stateText, statuses, texts, type, uniqueName, waitFor } from './tabs.ts';
import { command, FAST, startPeer, xmppEnv, xmppUser } from './xmpp-env.ts';


describe('XMPP recovery', () => {
  it('delivers every message of a 100-message burst once, though Prosody is killed midway', async function () {
    this.timeout(120_000);
    const { url, password } = await xmppEnv();
    const ann = await xmppUser('ann');
    const bob = await xmppUser('bob');
    const a = await openTab({ engine: uniqueName('burst-a'), protocol: 'xmpp', server: url, user: ann, password, room: bob, options: FAST });
    const b = await openTab({ engine: uniqueName('burst-b'), protocol: 'xmpp', server: url, user: bob, password, room: ann, options: FAST });
    await waitFor(() => stateText(a.chat) === 'Connected' && stateText(b.chat) === 'Connected', 15_000, 'both connected');

    const sent = Array.from({ length: 100 }, (_, i) => `burst ${i + 1}`);
    try {
      for (const [i, text] of sent.entries()) {
        if (i === 40) await command('prosody-kill');
        await type(a.chat, text);
        if (i === 70) await command('prosody-start');
      }
    } finally {
      await command('prosody-start');
    }
    await waitFor(() => texts(b.chat).length >= 100, 60_000, 'all 100 at Bob');
    await waitFor(() => statuses(a.chat).every((s) => s === 'sent' || s === 'delivered'), 30_000, 'every message acknowledged');
    // The server keeps one sender's order to one recipient (RFC 6120 §10.1): a resent copy went
    // out before this last message, so once it is shown any duplicate would be too.
    await type(a.chat, 'after the burst');
    await waitFor(() => texts(b.chat).includes('after the burst'), 30_000, 'the last message at Bob');
    expect(texts(b.chat)).to.deep.equal([...sent, 'after the burst']);
    expect(texts(a.chat)).to.deep.equal([...sent, 'after the burst']);
    a.close();
    b.close();
  });

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
