import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { startMqttBroker, type MqttBroker } from '../../demo/mqtt-broker.ts';
import { freePorts } from './free-port.ts';

/**
 * The demo's aedes broker on its own ports for tests: MQTT over WebSocket on `/mqtt` and
 * plain TCP (for mosquitto_pub/sub). A second broker asks for a password and allows
 * subscriptions under `parley/rooms` only, for refusals.
 * `stop()` closes the listeners and drops every connection; the broker keeps its memory
 * (sessions, queued messages), as a broker with persistence does across a restart.
 */
export class AedesServer {
  readonly #sockets = new Set<Duplex>();
  #http?: HttpServer;
  #tcp?: TcpServer;

  private constructor(
    readonly broker: MqttBroker,
    readonly wsPort: number,
    readonly tcpPort: number,
  ) {}

  /** `subscribePrefix`: see demo/mqtt-broker.ts. */
  static async start(token?: string, subscribePrefix?: string): Promise<AedesServer> {
    // Two ports asked for together: one at a time, the system may hand out the same port twice.
    const [ws, tcp] = await freePorts(2);
    const server = new AedesServer(await startMqttBroker({ token, subscribePrefix }), ws!, tcp!);
    await server.resume();
    return server;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.wsPort}/mqtt`;
  }

  #track(socket: Duplex): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  async resume(): Promise<void> {
    if (this.#http) return;
    const http = createHttpServer((_req, res) => res.writeHead(404).end());
    http.on('upgrade', (req, socket, head) => {
      this.#track(socket);
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/mqtt') return void socket.destroy();
      this.broker.handleUpgrade(req, socket, head);
    });
    const tcp = createTcpServer((socket: Socket) => {
      this.#track(socket);
      this.broker.handleStream(socket);
    });
    await new Promise<void>((ready) => http.listen(this.wsPort, '127.0.0.1', ready));
    await new Promise<void>((ready) => tcp.listen(this.tcpPort, '127.0.0.1', ready));
    this.#http = http;
    this.#tcp = tcp;
  }

  async stop(): Promise<void> {
    const [http, tcp] = [this.#http, this.#tcp];
    this.#http = this.#tcp = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    http?.closeAllConnections();
    await Promise.all([http, tcp].map((s) => s && new Promise<void>((done) => s.close(() => done()))));
  }

  async close(): Promise<void> {
    await this.stop();
    await this.broker.close();
  }
}
