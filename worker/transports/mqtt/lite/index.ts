import client from 'mqtt/lib/client';
import type { IStream } from 'mqtt/lib/shared';
import type { IClientOptions } from 'mqtt';
import { SocketStream } from './socket-stream.ts';

/**
 * mqtt.js's client (`lib/client`) on a WebSocket of our own, without the rest of its browser
 * bundle: no URL parsing, no TCP/TLS/WeChat/Alipay connectors, no Node stream or process
 * polyfills. The modules it still reaches are mapped onto the small stand-ins beside this file
 * (aliases.ts says which, for Vite and for the browser tests' bundler): what a WebSocket client
 * in a worker needs and nothing more. docs/mqtt.md, "Bundle", has the figures.
 */
export function connect(url: string, options: IClientOptions, onSocketClose?: (code: number, reason: string) => void): client {
  // A new socket for each connect; the Connection makes a new client per link anyway.
  return new MqttClient(() => new SocketStream(url, onSocketClose) as unknown as IStream, options);
}

/**
 * `lib/client` is CommonJS with `exports.default`. Importing it from a `"type": "module"`
 * package, esbuild (the browser tests) hands over the whole `exports` object, as Node would;
 * Vite hands over `exports.default`.
 */
const MqttClient = ((client as unknown as { default?: typeof client }).default ?? client) as typeof client;
