import { transport } from '../../worker/transports/xmpp/index.ts';
import { transportContract, type HostileCase } from './transport-contract.ts';
import { command, mucRoom, startPeer, xmppEnv, xmppUser, type XmppServer } from './xmpp-env.ts';

/**
 * A 1:1 stanza for each hostile case, as the slixmpp peer sends it raw: a `<delay/>` (XEP-0203)
 * that is far in the future or not a time at all, or extra elements no message may carry.
 */
const stanza = (to: string, c: HostileCase) =>
  `<message to="${to}" type="chat" id="${c.id}"><body>${c.text}</body>` +
  `<origin-id xmlns="urn:xmpp:sid:0" id="${c.id}"/>` +
  (c.ts === 'huge' ? '<delay xmlns="urn:xmpp:delay" stamp="9999-12-31T23:59:59Z"/>' : '') +
  (c.ts === 'bogus' ? '<delay xmlns="urn:xmpp:delay" stamp="bogus"/>' : '') +
  (c.extra ? '<html xmlns="http://jabber.org/protocol/xhtml-im"><body xmlns="http://www.w3.org/1999/xhtml"><img src="x"/></body></html><x xmlns="urn:example:evil" status="read"/>' : '') +
  '</message>';

const NAMES: Record<XmppServer, string> = { prosody: 'Prosody', ejabberd: 'ejabberd', 'ejabberd-cluster': 'ejabberd cluster' };

/**
 * The transport contract (transport-contract.ts) against one XMPP server implementation: the
 * same checks on Prosody (xmpp-contract.test.ts) and ejabberd (xmpp-contract-ejabberd.test.ts).
 */
export function xmppContract(server: 'prosody' | 'ejabberd'): void {
  transportContract(`XMPP over WebSocket, ${NAMES[server]}`, {
    module: async () => transport,
    config: async (user) => {
      const { url, domain, password } = await xmppEnv(server);
      return { protocol: 'xmpp', url, user: `${user}@${domain}`, password };
    },
    refused: async () => {
      const { url, domain } = await xmppEnv(server);
      return { protocol: 'xmpp', url, user: `ann@${domain}`, password: 'wrong password' };
    },
    stopServer: () => (server === 'prosody' ? command('prosody-kill') : command('ejabberd-kill', { server })),
    startServer: () => (server === 'prosody' ? command('prosody-start') : command('ejabberd-start', { server })),
    // Both users must see the message under the same room name: a MUC room does that.
    room: () => mucRoom('contract', server),
    // A slixmpp client writing to a fresh user, one to one.
    hostile: async () => {
      const { url, password } = await xmppEnv(server);
      const user = await xmppUser('target', server);
      const peer = await startPeer('mallory', server);
      return {
        config: { protocol: 'xmpp', url, user, password },
        room: peer.jid,
        send: async (cases) => {
          for (const c of cases) await peer.do({ op: 'raw', xml: stanza(user, c) });
        },
        stop: () => peer.stop(),
      };
    },
  });
}
