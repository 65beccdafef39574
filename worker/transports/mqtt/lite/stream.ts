import { EventEmitter } from 'events';

/**
 * Stands in for `readable-stream` (24 kB gzip of Node's streams) in mqtt.js's client: the two
 * classes it uses, with only the behaviour it relies on.
 */

/**
 * client.connect() sets `_write` on one of these and pipes the socket into it: chunks reach
 * `_write` one at a time, in order, each after the previous one called back (mqtt.js calls
 * back once the packets of that chunk are handled; a PUBACK waits for its store elsewhere,
 * in ../ack-after-store.ts).
 */
export class Writable extends EventEmitter {
  #queue: unknown[] = [];
  #busy = false;

  _write(_chunk: unknown, _encoding: string, done: (error?: Error | null) => void): void {
    done();
  }

  write(chunk: unknown): boolean {
    this.#queue.push(chunk);
    if (!this.#busy) this.#next();
    return true;
  }

  #next(): void {
    // A loop, not recursion: `_write` often calls back at once.
    while (!this.#busy && this.#queue.length) {
      this.#busy = true;
      let sync = true;
      let again = false;
      this._write(this.#queue.shift(), 'buffer', (error) => {
        if (error) this.emit('error', error);
        this.#busy = false;
        if (sync) again = true;
        else this.#next();
      });
      sync = false;
      if (!again) return;
    }
  }

  end(): this {
    return this;
  }

  destroy(): this {
    this.#queue = [];
    return this;
  }
}

/**
 * mqtt.js's in-memory store reads its in-flight packets through one of these (object mode):
 * it sets `_read`, which pushes the next packet or `null` at once; the client calls `read(1)`
 * until it gets null, and listens for `readable` and `end`.
 */
export class Readable extends EventEmitter {
  #buffer: unknown[] = [];
  #ended = false;
  #endSent = false;

  constructor(_options?: unknown) {
    super();
  }

  _read(): void {}

  push(value: unknown): boolean {
    if (value === null) this.#ended = true;
    else {
      this.#buffer.push(value);
      queueMicrotask(() => this.emit('readable'));
    }
    return true;
  }

  read(): unknown {
    if (!this.#buffer.length && !this.#ended) this._read();
    if (this.#buffer.length) return this.#buffer.shift();
    if (this.#ended && !this.#endSent) {
      this.#endSent = true;
      queueMicrotask(() => this.emit('end'));
    }
    return null;
  }

  destroy(): this {
    this.#buffer = [];
    this.#ended = true;
    return this;
  }
}
