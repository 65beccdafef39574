import { Buffer } from 'buffer';
import { EventEmitter } from 'events';

/** What mqtt.js's client reads from: the writable its parser sits behind (stream.ts). */
interface Sink {
  write(chunk: Buffer): unknown;
}

/**
 * The duplex stream mqtt.js's client writes packets to and reads them from, over one browser
 * WebSocket with the `mqtt` subprotocol (MQTT 3.1.1 §6.0). Only the calls the client and
 * mqtt-packet's writeToStream make: pipe, write, cork/uncork, end, destroy, and the `error` and
 * `close` events. Frames written before the socket opens wait for it; writes between cork() and
 * uncork() (one packet's header, topic and payload) leave as one frame. A packet may span
 * frames or share one (§6.0), so the frame boundaries carry no meaning either way.
 */
export class SocketStream extends EventEmitter {
  readonly #socket: WebSocket;
  #sink?: Sink;
  /** Chunks held back by cork(), or until the socket opens. */
  #held: Uint8Array[] = [];
  #corked = 0;
  #closed = false;

  /** `onSocketClose`: the WebSocket's close code and reason, before the client hears of the close. */
  constructor(url: string, onSocketClose?: (code: number, reason: string) => void) {
    super();
    this.#socket = new WebSocket(url, 'mqtt');
    this.#socket.binaryType = 'arraybuffer';
    this.#socket.onopen = () => this.#send();
    this.#socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) =>
      this.#sink?.write(typeof event.data === 'string' ? Buffer.from(event.data, 'utf8') : Buffer.from(event.data));
    this.#socket.onerror = () => this.emit('error', new Error('The MQTT WebSocket failed.'));
    this.#socket.onclose = (event) => {
      onSocketClose?.(event.code, event.reason);
      this.#close();
    };
  }

  pipe<T extends Sink>(sink: T): T {
    this.#sink = sink;
    return sink;
  }

  write(chunk: Uint8Array | string, encoding?: unknown, done?: () => void): boolean {
    this.#held.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    if (!this.#corked) this.#send();
    (typeof encoding === 'function' ? (encoding as () => void) : done)?.();
    return true;
  }

  cork(): void {
    this.#corked += 1;
  }

  uncork(): void {
    if (this.#corked > 0 && --this.#corked === 0) this.#send();
  }

  end(done?: () => void): this {
    this.#send();
    this.#socket.close();
    done?.();
    return this;
  }

  destroy(): this {
    this.#held = [];
    this.#socket.close();
    // The client waits for `close` after destroy(); the socket's own may take a round trip.
    queueMicrotask(() => this.#close());
    return this;
  }

  #send(): void {
    if (this.#socket.readyState !== WebSocket.OPEN || !this.#held.length) return;
    const frame = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held);
    this.#held = [];
    this.#socket.send(frame);
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close');
  }
}
