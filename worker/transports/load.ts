import type { Protocol } from '../api.ts';
import type { TransportFactory } from './transport.ts';

/**
 * Each transport is its own chunk, imported on first use: a site that speaks JSON never
 * downloads mqtt.js or xmpp.js.
 */
const loaders: Record<Protocol, () => Promise<{ createTransport: TransportFactory }>> = {
  websocket: () => import('./websocket.ts'),
  mqtt: () => import('./mqtt.ts'),
  xmpp: () => import('./xmpp.ts'),
};

export const loadTransport = async (protocol: Protocol): Promise<TransportFactory> =>
  (await loaders[protocol]()).createTransport;
