import WebSocket from 'ws';

/** One WebSocket frame as it crossed the transport's socket. */
export interface Frame {
  /** `in` from the server, `out` from the transport. */
  dir: 'in' | 'out';
  /** performance.now() when it crossed, in ms. */
  at: number;
  /** Text frames. */
  text?: string;
  /** Binary frames. */
  bytes?: Uint8Array;
}

type Waiter = { from: number; match: (f: Frame) => boolean; done: (f: Frame) => void };

/**
 * What crossed one of the transport's sockets. The transports' events are made for the
 * engine and are too coarse to name a layer (which CONNACK code, which SASL mechanisms were
 * offered, when the upgrade finished): the doctor reads those facts from the frames the
 * transport itself sent and received, rather than from a second implementation.
 */
export class SocketTap {
  readonly frames: Frame[] = [];
  /** When the WebSocket opened (101 and the subprotocol checked), performance.now() ms. */
  openedAt?: number;
  subprotocol?: string;
  closed?: { code: number; reason: string };
  #waiters: Waiter[] = [];

  constructor(readonly socket: WebSocket) {}

  record(frame: Frame): void {
    this.frames.push(frame);
    const index = this.frames.length - 1;
    this.#waiters = this.#waiters.filter((w) => {
      if (index < w.from || !w.match(frame)) return true;
      w.done(frame);
      return false;
    });
  }

  /** The first frame from index `from` on that matches, now or when it arrives. */
  next(match: (f: Frame) => boolean, from = 0): Promise<Frame> {
    const found = this.frames.slice(from).find(match);
    if (found) return Promise.resolve(found);
    return new Promise((done) => this.#waiters.push({ from, match, done }));
  }

  inbound(): Frame[] {
    return this.frames.filter((f) => f.dir === 'in');
  }
}

/** Every socket made through the installed WebSocket, in order of creation. */
export const taps: SocketTap[] = [];

const toBytes = (data: WebSocket.RawData | ArrayBuffer): Uint8Array =>
  Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;

/**
 * `ws`, as the browser-style global `WebSocket` the transports use, with a tap on every
 * socket. Behaviour is otherwise `ws`'s own: the tap only listens.
 */
export class TappedWebSocket extends WebSocket {
  readonly tap: SocketTap;

  constructor(address: string | URL, protocols?: string | string[], options?: WebSocket.ClientOptions) {
    super(address, protocols, options);
    this.tap = new SocketTap(this);
    taps.push(this.tap);
    this.on('open', () => {
      this.tap.openedAt = performance.now();
      this.tap.subprotocol = this.protocol;
    });
    this.on('message', (data, isBinary) => {
      const at = performance.now();
      if (isBinary) this.tap.record({ dir: 'in', at, bytes: toBytes(data) });
      else this.tap.record({ dir: 'in', at, text: Buffer.from(toBytes(data)).toString('utf8') });
    });
    this.on('close', (code, reason) => (this.tap.closed = { code, reason: reason.toString('utf8') }));
  }

  override send(data: unknown, ...rest: unknown[]): void {
    const at = performance.now();
    if (typeof data === 'string') this.tap.record({ dir: 'out', at, text: data });
    else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data))
      this.tap.record({ dir: 'out', at, bytes: data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    (super.send as (...a: unknown[]) => void)(data, ...rest);
  }
}

/**
 * Gives Node what the transports expect of a browser, before one is loaded:
 * - a global `WebSocket` (Node 20 has none): `ws`, tapped;
 * - a `navigator`, as a browser library may read one while it loads, and Node 20 has none
 *   (Node 21+ has one, which is kept). mqtt.js's prebuilt browser bundle did; the MQTT
 *   transport now builds its client from mqtt.js's modules (worker/transports/mqtt/lite/).
 */
export function installBrowserGlobals(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  g.WebSocket = TappedWebSocket;
  g.navigator ??= { language: 'en-US', userAgent: `Node.js/${process.versions.node}` };
}
