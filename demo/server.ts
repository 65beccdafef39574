import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { startMqttBroker } from './mqtt-broker.ts';
import { demoControls } from './controls.ts';
import { createRelay } from './relay.ts';
import type { RelayLimits } from './relay-guards.ts';
import { RelayStore } from './relay-store.ts';
import { serveStatic } from './static-files.ts';
import { uploadEndpoint } from './upload.ts';

export interface DemoServerOptions {
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to listen on. Default `localhost`. */
  host?: string;
  /** Where the relay keeps its SQLite history. Default `.parley-data/`. */
  dataDir?: string;
  /** Built files to serve. Default `dist/`. */
  staticDir?: string;
  /** Relay token, if clients must present one; also the MQTT password then. */
  token?: string;
  /** If set, the relay accepts only user ids signed with it (docs/identity.md). */
  identitySecret?: string;
  /** The relay's limits on sockets per address and message rate (demo/relay-guards.ts). Default: none. */
  limits?: Omit<RelayLimits, 'allowOrigin'>;
  /** Offer the demo page's buttons that break the server on purpose (demo/controls.ts). Default false. */
  controls?: boolean;
  /** Called with the path of every HTTP request, before it is served (logs, tests). Default: none. */
  onRequest?: (path: string) => void;
  /**
   * Origins (`https://shop.example`) whose pages and engines may upload files and read them with
   * CORS, besides the server's own origin, which always may. Default: none. When set, the relay
   * also admits only these and its own origin (docs/relay.md); unset, it admits any page. The page-side twin
   * is bridge.html's `parley-allow` list (docs/embedding.md); list the same origins in both.
   */
  allowedOrigins?: string[];
  /** Largest uploaded file, in bytes. Default 10 485 760 (10 MB), the engine's `maxFileSize`. */
  maxUploadBytes?: number;
}

export interface DemoServer {
  /** http://host:port */
  url: string;
  /** ws://host:port/relay */
  relayUrl: string;
  /** ws://host:port/mqtt: the embedded MQTT broker (aedes). */
  mqttUrl: string;
  /** http://host:port/upload: where the engine POSTs files (demo/upload.ts). */
  uploadUrl: string;
  port: number;
  /**
   * Open relay sockets and connected MQTT clients, and relay sockets accepted since the start
   * (a reload that keeps the engine opens none), for tests and diagnostics.
   */
  stats(): { relayClients: number; mqttClients: number; relayOpens: number };
  close(): Promise<void>;
}

/** The demo: static files, the JSON relay on `/relay`, an MQTT broker on `/mqtt` and file uploads on `/upload`, on one port. */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const host = options.host ?? 'localhost';
  const dataDir = resolve(options.dataDir ?? '.parley-data');
  mkdirSync(dataDir, { recursive: true });
  const store = new RelayStore(join(dataDir, 'relay.sqlite'));
  // One list of other sites for uploads and the relay; without one, any page may use the relay.
  const listed = (origin: string) => (options.allowedOrigins ?? []).includes(origin);
  const relay = createRelay({
    store,
    token: options.token,
    identitySecret: options.identitySecret,
    limits: { ...options.limits, allowOrigin: options.allowedOrigins ? listed : undefined },
  });
  const mqtt = await startMqttBroker({ token: options.token });
  let relayOpens = 0;
  const files = serveStatic(resolve(options.staticDir ?? 'dist'));
  const controls = options.controls ? demoControls() : undefined;
  const uploads = uploadEndpoint({
    dir: join(dataDir, 'uploads'),
    maxBytes: options.maxUploadBytes,
    allowOrigin: listed,
  });
  const server: Server = createServer((req, res) => {
    options.onRequest?.(req.url ?? '/');
    if (controls?.handle(req, res)) return;
    if (uploads(req, res)) return;
    // dist/ again under /parley/, as a site that copied it into a folder (demo/public/embed/subpath.html).
    if (req.url?.startsWith('/parley/')) req.url = req.url.slice('/parley'.length);
    return files(req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    if (controls && !controls.admit(socket as Socket)) return void socket.destroy();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/mqtt') return mqtt.handleUpgrade(req, socket, head);
    if (path !== '/relay') return void socket.destroy();
    relayOpens += 1;
    relay.handleUpgrade(req, socket, head, (ws) => relay.emit('connection', ws, req));
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 8080, host, ready);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    relayUrl: `ws://${host}:${port}/relay`,
    mqttUrl: `ws://${host}:${port}/mqtt`,
    uploadUrl: `http://${host}:${port}/upload`,
    port,
    stats: () => ({ relayClients: relay.clients.size, mqttClients: mqtt.clients(), relayOpens }),
    async close() {
      for (const ws of relay.clients) ws.terminate();
      relay.close();
      await mqtt.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      store.close();
    },
  };
}
