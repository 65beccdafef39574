import type { Protocol } from '../api.ts';
import type { TransportModule } from './transport.ts';

/**
 * Each transport is its own chunk, imported on first use: a site that speaks JSON never
 * downloads mqtt.js or xmpp.js.
 */
const loaders: Record<Protocol, () => Promise<{ transport: TransportModule }>> = {
  websocket: () => import('./json/index.ts'),
  mqtt: () => import('./mqtt/index.ts'),
  xmpp: () => import('./xmpp/index.ts'),
};

export const loadTransport = async (protocol: Protocol): Promise<TransportModule> =>
  (await loaders[protocol]()).transport;
