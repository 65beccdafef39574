import { expect } from '@esm-bundle/chai';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { openTab, stateText, statuses, texts, type, uniqueName, waitFor } from './tabs.ts';
import { FAST, localPart, mucRoom, xmppEnv, xmppUser } from './xmpp-env.ts';

/**
 * Two ejabberd nodes in one cluster (test/support/ejabberd.ts): one Mnesia database, so an
 * account, a room and an archive are the same whichever node a client reaches. Widget A talks
 * to node 1 and widget B to node 2; what crosses between them crosses the cluster.
 */
const SERVER = 'ejabberd-cluster';

/** A widget for `user` on cluster node `node` (0-based), showing `room`. */
async function onNode(node: number, user: string, room: string, attrs?: Record<string, string>) {
  const { urls, password } = await xmppEnv(SERVER);
  return openTab({ engine: uniqueName('cluster'), protocol: 'xmpp', server: urls![node]!, user, password, room, options: FAST, attrs });
}

const connected = (...chats: ParleyChat[]) =>
  waitFor(() => chats.every((c) => stateText(c) === 'Connected' && c.session.joined), 20_000, 'every widget connected and joined');

/** Each message as "sender: text"; our own messages carry no sender line. */
const lines = (chat: ParleyChat): string[] =>
  [...chat.shadowRoot!.querySelectorAll('.message')].map(
    (el) => `${el.querySelector('.from')?.textContent ?? 'me'}: ${el.querySelector('.text')?.textContent}`,
  );

describe('XMPP on a two-node ejabberd cluster', () => {
  it('A on node 1 and B on node 2 chat one-to-one both ways, with receipts; MAM on node 2 has what node 1 took', async function () {
    this.timeout(90_000);
    const [ann, bob] = await Promise.all([xmppUser('ann', SERVER), xmppUser('bob', SERVER)]);
    const a = await onNode(0, ann, bob);
    const b = await onNode(1, bob, ann);
    try {
      await connected(a.chat, b.chat);

      await type(a.chat, 'from node 1');
      await waitFor(() => texts(b.chat).includes('from node 1'), 10_000, 'A\'s message at B');
      // B's widget answers the XEP-0184 request through node 2; B may have shown it already,
      // and then its XEP-0333 marker says more than the receipt.
      await waitFor(() => ['delivered', 'read'].includes(statuses(a.chat).join()), 10_000, 'B\'s receipt at A');

      await type(b.chat, 'from node 2');
      await waitFor(() => texts(a.chat).includes('from node 2'), 10_000, 'B\'s message at A');
      await waitFor(() => ['delivered', 'read'].includes(statuses(b.chat).join()), 10_000, 'A\'s receipt at B');
      expect(texts(a.chat)).to.deep.equal(['from node 1', 'from node 2']);
      expect(texts(b.chat)).to.deep.equal(['from node 1', 'from node 2']);

      // A new device of Bob's, on node 2, has no local history: what it shows comes from Bob's
      // archive (XEP-0313), which node 1 wrote for the first message.
      const again = await onNode(1, bob, ann);
      try {
        await waitFor(() => texts(again.chat).length === 2, 20_000, 'the archive on node 2');
        expect(lines(again.chat)).to.deep.equal([`${ann}: from node 1`, 'me: from node 2']);
      } finally {
        again.close();
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('A on node 1 and B on node 2 talk in a MUC room both ways, read markers crossing; a late joiner on node 2 gets the room history', async function () {
    this.timeout(90_000);
    const room = await mucRoom('cluster', SERVER);
    const [ann, bob, cy] = await Promise.all([xmppUser('ann', SERVER), xmppUser('bob', SERVER), xmppUser('cy', SERVER)]);
    const a = await onNode(0, ann, room);
    const b = await onNode(1, bob, room);
    try {
      await connected(a.chat, b.chat);
      await type(a.chat, 'room, from node 1');
      await waitFor(() => texts(b.chat).includes('room, from node 1'), 10_000, 'A\'s room message at B');
      await waitFor(() => ['sent', 'read'].includes(statuses(a.chat).join()), 10_000, 'the room\'s echo at A');
      // B's reader looks at the message (its frame scrolled into the viewport); B's XEP-0333
      // displayed goes to the room through node 2 and comes back to A through node 1.
      b.frame.scrollIntoView();
      await waitFor(() => statuses(a.chat).join() === 'read', 15_000, 'B\'s marker at A').catch((e) => {
        throw new Error(`${e.message}: A shows ${statuses(a.chat).join()}; B's unread count is ${b.chat.unread}`);
      });

      await type(b.chat, 'room, from node 2');
      await waitFor(() => texts(a.chat).includes('room, from node 2'), 10_000, 'B\'s room message at A');
      a.frame.scrollIntoView();
      await waitFor(() => statuses(b.chat).join() === 'read', 15_000, 'A\'s marker at B').catch((e) => {
        throw new Error(`${e.message}: B shows ${statuses(b.chat).join()}; A's unread count is ${a.chat.unread}`);
      });

      const c = await onNode(1, cy, room);
      try {
        await connected(c.chat);
        await waitFor(() => texts(c.chat).length === 2, 20_000, 'the room history at the late joiner');
        const [na, nb] = [ann, bob].map(localPart);
        expect(lines(c.chat)).to.deep.equal([`${na}: room, from node 1`, `${nb}: room, from node 2`]);
      } finally {
        c.close();
      }
    } finally {
      a.close();
      b.close();
    }
  });
});
