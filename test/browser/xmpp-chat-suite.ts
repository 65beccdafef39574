import { expect } from '@esm-bundle/chai';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { connected, openTab, stateText, statuses, texts, type, uniqueName, waitFor } from './tabs.ts';
import { FAST, startPeer, xmppEnv, xmppUser, type XmppServer } from './xmpp-env.ts';

const senders = (chat: ParleyChat): string[] =>
  [...chat.shadowRoot!.querySelectorAll('.message .from')].map((el) => el.textContent ?? '');
const typingText = (chat: ParleyChat): string => chat.shadowRoot!.querySelector('.typing')?.textContent ?? '';

/** A widget for `user` talking to `room` (a peer JID or a MUC room) on the given test server. */
export async function xmppTab(user: string, room: string, options: object = FAST, server: XmppServer = 'prosody', url?: string) {
  const env = await xmppEnv(server);
  return openTab({ engine: uniqueName('xmpp'), protocol: 'xmpp', server: url ?? env.url, user, password: env.password, room, options });
}

/**
 * The chat tests against one XMPP server implementation: the same on Prosody
 * (xmpp-chat.test.ts) and ejabberd (xmpp-chat-ejabberd.test.ts).
 */
export function xmppChat(server: 'prosody' | 'ejabberd'): void {
  describe(`XMPP chat on ${server === 'prosody' ? 'Prosody' : 'ejabberd'}`, () => {
    it('lets two widgets chat one-to-one; the receipt marks the message delivered', async () => {
      const ann = await xmppUser('ann', server);
      const bob = await xmppUser('bob', server);
      const a = await xmppTab(ann, bob, FAST, server);
      const b = await xmppTab(bob, ann, FAST, server);
      await waitFor(() => stateText(a.chat) === 'Connected' && stateText(b.chat) === 'Connected', 15_000, 'both connected');

      await type(a.chat, 'Hello Bob <i>not html</i>');
      await waitFor(() => texts(b.chat).includes('Hello Bob <i>not html</i>'), 10_000, 'the message at Bob');
      expect(b.chat.shadowRoot!.querySelector('.message .text i')).to.equal(null);
      // Bob's widget answers the XEP-0184 request, so Ann sees more than "sent": "delivered", or
      // already "read" (XEP-0333), since Bob's list shows it at once and a slow poll here can
      // miss the moment it was "delivered".
      await waitFor(() => ['delivered', 'read'].includes(statuses(a.chat).join()), 10_000, 'Ann\'s message delivered');

      await type(b.chat, 'Hi Ann');
      await waitFor(() => texts(a.chat).includes('Hi Ann'), 10_000, 'the reply at Ann');
      expect(senders(a.chat)).to.deep.equal([bob]);
      expect(texts(a.chat)).to.deep.equal(['Hello Bob <i>not html</i>', 'Hi Ann']);
      a.close();
      b.close();
    });

    it('marks a message delivered when its reader\'s first device comes online just after it was sent', async () => {
      const ann = await xmppUser('ann', server);
      const bob = await xmppUser('bob', server);
      const a = await xmppTab(ann, bob, FAST, server);
      await connected(a.chat);
      // Bob has never been online: the server archives the message (and may keep it offline).
      await type(a.chat, 'are you there yet?');
      await waitFor(() => statuses(a.chat).join() === 'sent', 10_000, 'the server to take it');
      // His device has no cursor, so it fetches the last page of the archive, which is history
      // for all it knows; this message is recent, and so is confirmed (worker/transports/xmpp/mam.ts).
      const b = await xmppTab(bob, ann, FAST, server);
      await waitFor(() => texts(b.chat).includes('are you there yet?'), 15_000, 'the message at Bob');
      await waitFor(() => ['delivered', 'read'].includes(statuses(a.chat).join()), 10_000, 'Ann\'s message delivered');
      a.close();
      b.close();
    });

    it('shows replies in a room written with an xmpp: prefix and capitals, as docs/xmpp.md allows', async () => {
      const ann = await xmppUser('ann', server);
      const bob = await xmppUser('bob', server);
      const a = await xmppTab(ann, `xmpp:${bob.toUpperCase()}`, FAST, server);
      const b = await xmppTab(bob, ann, FAST, server);
      await waitFor(() => stateText(a.chat) === 'Connected' && stateText(b.chat) === 'Connected', 15_000, 'both connected');
      await type(a.chat, 'written to XMPP:BOB');
      await waitFor(() => texts(b.chat).includes('written to XMPP:BOB'), 10_000, 'the message at Bob');
      await type(b.chat, 'reply to Ann');
      await waitFor(() => texts(a.chat).includes('reply to Ann'), 10_000, 'the reply in the prefixed room');
      a.close();
      b.close();
    });

    it('chats both ways with a real XMPP client (slixmpp), with receipts, read markers and typing', async () => {
      const peer = await startPeer('sli', server);
      try {
        const ann = await xmppUser('ann', server);
        const a = await xmppTab(ann, peer.jid, FAST, server);
        await waitFor(() => stateText(a.chat) === 'Connected', 15_000, 'connected');

        await type(a.chat, 'Hello slixmpp ✓');
        const id = a.chat.shadowRoot!.querySelector<HTMLElement>('.message')!.dataset.id;
        const got = await waitFor(async () => (await peer.received()).find((m) => m.text === 'Hello slixmpp ✓'), 10_000, 'the message at slixmpp');
        await waitFor(() => statuses(a.chat).join() === 'delivered', 10_000, 'the receipt from slixmpp');
        await peer.do({ op: 'displayed', to: ann, id: got.id });
        await waitFor(() => statuses(a.chat).join() === 'read', 10_000, 'the displayed marker from slixmpp');

        await peer.do({ op: 'typing', to: ann });
        await waitFor(() => typingText(a.chat).includes(peer.jid), 10_000, 'the typing notice');
        await peer.do({ op: 'send', to: ann, text: 'Hello Parley, from Python' });
        await waitFor(() => texts(a.chat).includes('Hello Parley, from Python'), 10_000, 'the peer\'s message in the widget');
        expect(senders(a.chat)).to.deep.equal([peer.jid]);
        expect(typingText(a.chat)).to.equal('');
        // The client id travelled as origin-id (XEP-0359).
        expect(got.id).to.equal(id);
        a.close();
      } finally {
        await peer.stop();
      }
    });

    it('fails with the server\'s reason, and no retry loop, when the password is wrong', async () => {
      const { url, password } = await xmppEnv(server);
      const ann = await xmppUser('ann', server);
      const tab = await openTab({ engine: uniqueName('xmpp'), protocol: 'xmpp', server: url, user: ann, password: 'nope', room: 'x@localhost', options: FAST });
      await waitFor(() => stateText(tab.chat).startsWith("Can't connect"), 15_000, 'the failed state');
      expect(stateText(tab.chat)).to.contain('not-authorized');
      const after: string[] = [];
      tab.chat.addEventListener('parley-state', (e) => after.push(e.detail.change.to));
      // The same account with the right password logs in meanwhile (a page, a worker and a
      // login): a retry loop (backoffBase 200 ms) would have dialled again by then.
      const right = await openTab({ engine: uniqueName('xmpp'), protocol: 'xmpp', server: url, user: ann, password, room: 'x@localhost', options: FAST });
      await waitFor(() => stateText(right.chat) === 'Connected', 15_000, 'the right password to connect');
      expect(after, 'no attempt after the refusal').to.deep.equal([]);
      expect(stateText(tab.chat)).to.match(/^Can't connect: The XMPP server refused the user name or password/);
      right.close();
      tab.close();
    });
  });
}
