import { executeServerCommand } from '@web/test-runner-commands';
import { transport } from '../../worker/transports/json/index.ts';
import { env, uniqueName } from './tabs.ts';
import { transportContract, type HostileCase } from './transport-contract.ts';

/** A JSON frame for each hostile case, as a site's own backend might send it (worker/transports/json/wire.ts). */
const frame = (room: string, c: HostileCase, seq: number) => ({
  type: 'msg',
  id: c.id,
  room,
  from: 'mallory',
  text: c.text,
  ts: c.ts === 'huge' ? 1e20 : c.ts === 'bogus' ? 'bogus' : Date.now(),
  seq,
  ...(c.extra ? { html: '<img src=x onerror=alert(1)>', status: 'read', mine: true } : {}),
});

transportContract('JSON over WebSocket, demo relay', {
  module: async () => transport,
  config: async (user) => ({ protocol: 'websocket', url: (await env()).relayUrl, user }),
  refused: async () => {
    const { guardedRelayUrl } = await env();
    return { protocol: 'websocket', url: guardedRelayUrl, user: 'intruder', password: 'wrong' };
  },
  stopServer: async () => void (await executeServerCommand('relay-stop')),
  startServer: async () => void (await executeServerCommand('relay-start')),
  // A hostile backend of its own (test/support/wtr-hostile-json.ts): the demo relay checks what it relays.
  hostile: async () => {
    const room = uniqueName('hostile');
    const url = (await executeServerCommand('hostile-json-url')) as string;
    return {
      config: { protocol: 'websocket', url, user: 'ann' },
      room,
      send: async (cases) => {
        const reached = await executeServerCommand('hostile-json-send', { room, frames: cases.map((c, i) => frame(room, c, i + 1)) });
        if (reached !== 1) throw new Error(`the hostile backend reached ${reached} sockets in ${room}, not 1`);
      },
      stop: async () => undefined,
    };
  },
});
