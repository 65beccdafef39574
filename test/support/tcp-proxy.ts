import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on loopback that tests can break on purpose:
 * - `forward`: passes bytes both ways (the default);
 * - `blackhole`: keeps every connection open but drops all bytes, as a half-open link or a
 *   dead NAT does; new connections are accepted and then hang. A connection that was open in
 *   this mode stays dead after the proxy forwards again, as a half-open TCP link never comes
 *   back: TCP does not lose bytes on a connection that lives on, so neither may the proxy;
 * - `refuse`: resets existing connections and refuses new ones, as a network that is down.
 * `accepted` counts connections, so a test can count reconnect attempts.
 */
export type ProxyMode = 'forward' | 'blackhole' | 'refuse';

export class TcpProxy {
  mode: ProxyMode = 'forward';
  accepted = 0;
  /** Bytes passed from the server to clients, so a test can tell that frames reached the client. */
  bytesToClients = 0;
  readonly #pairs = new Set<[Socket, Socket]>();
  /** Connections that lived through a blackhole: they drop everything until they close. */
  readonly #dead = new WeakSet<Socket>();

  private constructor(
    readonly server: Server,
    readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host?: string; port: number }, listenPort = 0): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, { host: target.host ?? '127.0.0.1', port: target.port });
    server.on('connection', (client) => proxy.#accept(client));
    await new Promise<void>((ready) => server.listen(listenPort, '127.0.0.1', ready));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Switches mode; `refuse` also resets every open connection. */
  set(mode: ProxyMode): void {
    this.mode = mode;
    if (mode === 'refuse') this.#resetAll();
    if (mode === 'blackhole') for (const [client] of this.#pairs) this.#dead.add(client);
  }

  async close(): Promise<void> {
    this.#resetAll();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  #accept(client: Socket): void {
    this.accepted += 1;
    if (this.mode === 'refuse') return void client.resetAndDestroy();
    const upstream = connect(this.target.port, this.target.host);
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    if (this.mode === 'blackhole') this.#dead.add(client);
    const pipe = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (this.mode !== 'forward' || this.#dead.has(client)) return;
        if (to === client) this.bytesToClients += chunk.length;
        to.write(chunk);
      });
    pipe(client, upstream);
    pipe(upstream, client);
    const end = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of pair) s.on('close', end).on('error', end);
  }

  #resetAll(): void {
    for (const [client, upstream] of this.#pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.#pairs.clear();
  }
}
