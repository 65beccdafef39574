import { createTransport } from '../../worker/transports/xmpp/index.ts';
import { transportContract } from './transport-contract.ts';
import { command, mucRoom, xmppEnv } from './xmpp-env.ts';

transportContract('XMPP over WebSocket, Prosody', {
  factory: async () => createTransport,
  config: async (user) => {
    const { url, domain, password } = await xmppEnv();
    return { protocol: 'xmpp', url, user: `${user}@${domain}`, password };
  },
  refused: async () => {
    const { url, domain } = await xmppEnv();
    return { protocol: 'xmpp', url, user: `ann@${domain}`, password: 'wrong password' };
  },
  stopServer: () => command('prosody-kill'),
  startServer: () => command('prosody-start'),
  // Both users must see the message under the same room name: a MUC room does that.
  room: () => mucRoom('contract'),
});
