import type { LinkHealth, StateChange, StateRecord } from './api.ts';
import { utf8Length } from './utf8-length.ts';

/** How many state changes a connection remembers. */
const HISTORY = 20;
/** How many heartbeat round trips the median is taken over. */
const SAMPLES = 50;

/**
 * Counts what a support person asks first when a chat "doesn't work": which state, since when,
 * how often it dropped and why, how slow the server answers, what waits to be sent.
 */
export class HealthRecorder {
  readonly #changes: StateRecord[] = [];
  readonly #rtts: number[] = [];
  #since: number;
  #reconnects = 0;
  readonly messages = { in: 0, out: 0 };
  readonly bytes = { in: 0, out: 0 };

  constructor(readonly now: () => number) {
    this.#since = now();
  }

  state(change: StateChange): void {
    const at = this.now();
    this.#since = at;
    // A link made again on purpose, for a new name (Connection.update), is no drop.
    if (change.to === 'reconnecting' && change.reason !== 'settings-changed') this.#reconnects += 1;
    this.#changes.push({ at, from: change.from, to: change.to, reason: change.reason });
    if (this.#changes.length > HISTORY) this.#changes.shift();
  }

  rtt(ms: number): void {
    this.#rtts.push(ms);
    if (this.#rtts.length > SAMPLES) this.#rtts.shift();
  }

  message(direction: 'in' | 'out', text: string): void {
    this.messages[direction] += 1;
    this.bytes[direction] += utf8Length(text);
  }

  snapshot(): Omit<LinkHealth, 'connection' | 'protocol' | 'url' | 'state' | 'outbox'> {
    const sorted = [...this.#rtts].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    const median = sorted.length === 0 ? undefined : sorted.length % 2 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
    return {
      inStateFor: this.now() - this.#since,
      reconnects: this.#reconnects,
      changes: [...this.#changes],
      rtt: { last: this.#rtts[this.#rtts.length - 1], median },
      messages: { ...this.messages },
      bytes: { ...this.bytes },
    };
  }
}
