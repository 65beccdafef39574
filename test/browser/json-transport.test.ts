import { executeServerCommand } from '@web/test-runner-commands';
import { createTransport } from '../../worker/transports/json/index.ts';
import { env } from './tabs.ts';
import { transportContract } from './transport-contract.ts';

transportContract('JSON over WebSocket, demo relay', {
  factory: async () => createTransport,
  config: async (user) => ({ protocol: 'websocket', url: (await env()).relayUrl, user }),
  refused: async () => {
    const { guardedRelayUrl } = await env();
    return { protocol: 'websocket', url: guardedRelayUrl, user: 'intruder', password: 'wrong' };
  },
  stopServer: async () => void (await executeServerCommand('relay-stop')),
  startServer: async () => void (await executeServerCommand('relay-start')),
});
