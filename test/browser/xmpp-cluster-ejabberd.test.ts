import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import type { StateChange } from '../../worker/api.ts';
import { engineClient } from '../../widget/engine-client.ts';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { openTab, stateText, statuses, texts, type, uniqueName, waitFor } from './tabs.ts';
import { command, FAST, localPart, mucRoom, xmppEnv, xmppUser } from './xmpp-env.ts';

/**
 * Two ejabberd nodes in one cluster (test/support/ejabberd.ts): one Mnesia database, so an
 * account, a room and an archive are the same whichever node a client reaches. Widget A talks
 * to node 1 and widget B to node 2; what crosses between them crosses the cluster.
 */
const SERVER = 'ejabberd-cluster';

/** A widget for `user` on cluster node `node` (0-based), or on the server list `nodes`, showing `room`. */
async function onNode(node: number | number[], user: string, room: string, attrs?: Record<string, string>) {
  const { urls, password } = await xmppEnv(SERVER);
  // The element's server attribute takes a space-separated server list.
  const server = (Array.isArray(node) ? node : [node]).map((n) => urls![n]!).join(' ');
  const engine = uniqueName('cluster');
  return { engine, ...(await openTab({ engine, protocol: 'xmpp', server, user, password, room, options: FAST, attrs })) };
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

  it('fails over to node 2 when node 1 is killed during a 100-message burst: each message reaches B once, in order, and A\'s outbox empties', async function () {
    this.timeout(120_000);
    const { urls } = await xmppEnv(SERVER);
    const [ann, bob] = await Promise.all([xmppUser('ann', SERVER), xmppUser('bob', SERVER)]);
    // A's server list is [node 1, node 2]; B stays on node 2 throughout.
    const a = await onNode([0, 1], ann, bob);
    const b = await onNode(1, bob, ann);
    const changes: { change: StateChange; at: number }[] = [];
    a.chat.addEventListener('parley-state', (e) => changes.push({ change: e.detail.change, at: Date.now() }));
    try {
      await connected(a.chat, b.chat);
      const health = async () => (await (await engineClient(a.engine)).api.health()).connections[0]!;
      expect((await health()).url, 'A\'s first node').to.equal(urls![0]);

      const sent = Array.from({ length: 100 }, (_, i) => `burst ${i + 1}`);
      let killedAt = 0;
      for (const [i, text] of sent.entries()) {
        // `kill -9` of node 1's VM, as in a crash; the command answers once the process is gone.
        if (i === 40) killedAt = (await executeServerCommand('ejabberd-kill', { server: SERVER, node: 0 })) as number;
        await type(a.chat, text);
      }
      /** A's state changes, in ms from the kill, with the node each names. */
      const timeline = () =>
        changes.map((c) => `${c.at - killedAt} ms ${c.change.to} (${c.change.reason}) node ${urls!.indexOf(c.change.url ?? '') + 1}`).join(', ');
      const reopened = await waitFor(() => changes.find((c) => c.at >= killedAt && c.change.to === 'open'), 30_000, 'A open again').catch((e) => {
        throw new Error(`${e.message}; A's states: ${timeline()}`);
      });
      expect(reopened.change.url, 'A\'s link after the kill').to.equal(urls![1]);

      await waitFor(() => sent.every((t) => texts(b.chat).includes(t)), 60_000, 'all 100 at B').catch((e) => {
        throw new Error(`${e.message}: B has ${texts(b.chat).length}; A shows ${stateText(a.chat)}`);
      });
      // Sent, or further along (B's receipt or marker came back).
      await waitFor(() => statuses(a.chat).length === 100 && statuses(a.chat).every((s) => ['sent', 'delivered', 'read'].includes(s)), 30_000, 'every message of A sent');
      expect((await health()).outbox.depth, 'A\'s outbox').to.equal(0);
      // The server keeps one sender's order to one recipient (RFC 6120 §10.1): a resent copy went
      // out before this last message, so once it is shown any duplicate would be too.
      await type(a.chat, 'after the burst');
      await waitFor(() => texts(b.chat).includes('after the burst'), 30_000, 'the last message at B');

      const received = texts(b.chat).filter((t) => sent.includes(t));
      const unique = new Set(received);
      const report = {
        failoverMs: reopened.at - killedAt,
        sent: sent.length,
        received: received.length,
        lost: sent.filter((t) => !unique.has(t)).length,
        duplicated: received.length - unique.size,
      };
      await command('ejabberd-report', {
        server: SERVER,
        line:
          `failover: node 1 killed before message 41; A open on node 2 ${report.failoverMs} ms later; ` +
          `sent ${report.sent}, received ${report.received}, lost ${report.lost}, duplicated ${report.duplicated}; A's states: ${timeline()}`,
      });
      expect(texts(b.chat)).to.deep.equal([...sent, 'after the burst']);
      expect(texts(a.chat)).to.deep.equal([...sent, 'after the burst']);
    } finally {
      a.close();
      b.close();
      // The cluster whole again for whatever runs next.
      await command('ejabberd-start', { server: SERVER, node: 0 });
    }
  });
});
