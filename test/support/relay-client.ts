import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '../../worker/transports/json/wire.ts';

/** A bare JSON-protocol client for Node tests: a real second peer, with no engine behind it. */
export class RelayClient {
  readonly frames: ServerFrame[] = [];
  #waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as ServerFrame);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Connected, before any hello: the test says hello itself. `origin`: the Origin header a page would send. */
  static async raw(url: string, origin?: string): Promise<RelayClient> {
    const ws = new WebSocket(url, origin ? { origin } : {});
    // Listening before the open: a frame sent at once can arrive in the same read as the upgrade.
    const client = new RelayClient(ws);
    await new Promise((open, fail) => ws.once('open', open).once('error', fail));
    return client;
  }

  static async connect(url: string, user: string, token?: string, origin?: string): Promise<RelayClient> {
    const client = await RelayClient.raw(url, origin);
    client.send({ type: 'hello', v: 1, user, token });
    await client.next((f) => f.type === 'welcome' || f.type === 'error');
    return client;
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Resolves with the first frame (already received or coming) that `match` accepts. */
  async next<T extends ServerFrame>(match: (f: ServerFrame) => boolean, timeout = 5_000): Promise<T> {
    const end = Date.now() + timeout;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found as T;
      if (Date.now() > end) throw new Error(`No matching frame in ${timeout} ms; got ${JSON.stringify(this.frames.slice(-5))}`);
      await new Promise<void>((wake) => {
        this.#waiters.push(wake);
        setTimeout(wake, 100);
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}
