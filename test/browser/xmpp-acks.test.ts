import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { connected, openTab, statuses, type, uniqueName, waitFor } from './tabs.ts';
import { FAST, startPeer, xmppEnv, xmppUser } from './xmpp-env.ts';

/** The reason shown under a failed own message. */
const reasons = (chat: ParleyChat): string[] => chat.messages.flatMap((m) => (m.mine && m.error ? [m.error.message] : []));

/** XEP-0086-style bounce of message `id`, as a server or client answers with an error (RFC 6120 §8.3). */
const bounce = (to: string, id: string, text: string) =>
  `<message type='error' to='${to}' id='${id}'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>` +
  `<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>${text}</text></error></message>`;

describe('XMPP acks and bounces', () => {
  it('confirms one-to-one messages by ping on a server without stream management (XEP-0198)', async () => {
    const plain = (prefix: string) => executeServerCommand('xmpp-plain-user', { name: uniqueName(prefix) }) as Promise<{ url: string; jid: string }>;
    const ann = await plain('ann');
    // Bob never logs in: nobody sends a receipt, so only the server's answer can confirm.
    const bob = await plain('bob');
    const { password } = await xmppEnv();
    const tab = await openTab({ engine: uniqueName('plain'), protocol: 'xmpp', server: ann.url, user: ann.jid, password, room: bob.jid, options: FAST });
    await connected(tab.chat);
    for (const text of ['one', 'two', 'three']) await type(tab.chat, text);
    await waitFor(() => statuses(tab.chat).join() === 'sent,sent,sent', 10_000, 'all three sent').catch((e) => {
      throw new Error(`${e.message}: statuses ${statuses(tab.chat)}`);
    });
    tab.close();
  });

  it('fails a sent message that the peer bounces later, with its reason, and ignores a bounce forged by someone else', async () => {
    const ann = await xmppUser('ann');
    const peer = await startPeer('bob');
    const stranger = await startPeer('eve');
    // A client that never confirms, so the message rests at `sent` (the server's XEP-0198 ack).
    await peer.do({ op: 'receipts', on: false });
    const { url, password } = await xmppEnv();
    const tab = await openTab({ engine: uniqueName('bounce'), protocol: 'xmpp', server: url, user: ann, password, room: peer.jid, options: FAST });
    await connected(tab.chat);
    await type(tab.chat, 'first');
    await type(tab.chat, 'second');
    const got = await waitFor(async () => {
      const received = await peer.received();
      return received.length === 2 && received;
    }, 10_000, 'both messages at the peer');
    await waitFor(() => statuses(tab.chat).join() === 'sent,sent', 10_000, 'both sent');
    const annFull = got[0]!.from;

    // Someone who learnt an id cannot fail our message: only its addressee or a server may.
    await stranger.do({ op: 'raw', xml: bounce(annFull, got[0]!.id, 'forged') });
    await stranger.sync();
    await peer.do({ op: 'raw', xml: bounce(annFull, got[1]!.id, 'Mailbox full') });
    await waitFor(() => statuses(tab.chat).join() === 'sent,failed', 10_000, 'the second failed').catch((e) => {
      throw new Error(`${e.message}: statuses ${statuses(tab.chat)}`);
    });
    expect(reasons(tab.chat)).to.have.length(1);
    expect(reasons(tab.chat)[0]).to.contain('Mailbox full');
    await peer.stop();
    await stranger.stop();
    tab.close();
  });
});
