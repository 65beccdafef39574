import type { InboundMessage, TransportEvents } from '../../worker/transports/transport.ts';
import { waitFor } from '../browser/tabs.ts';

/**
 * Records every event a transport reports, for browser tests that drive a transport without
 * the engine. `message()` resolves as if the engine stored the message, or, after
 * `failStores()`, rejects as a full IndexedDB would (QuotaExceededError).
 */
/** Every event, the optional ones too (`sessionLost`). */
type Events = Required<TransportEvents>;

export type Recorded = { [K in keyof Events]: { event: K; args: Parameters<Events[K]> } }[keyof Events];

export class TransportRecorder {
  readonly log: Recorded[] = [];
  /** Messages whose `message()` resolved, in the order they arrived. */
  readonly stored: InboundMessage[] = [];
  readonly events: Events;
  #failing = false;

  constructor() {
    const record =
      <K extends keyof TransportEvents>(event: K) =>
      (...args: Parameters<Events[K]>) =>
        void this.log.push({ event, args } as Recorded);
    this.events = {
      open: record('open'),
      activity: record('activity'),
      joined: record('joined'),
      message: (message) => {
        record('message')(message);
        if (this.#failing)
          return Promise.reject(new DOMException('The storage quota is exceeded (test).', 'QuotaExceededError'));
        this.stored.push(message);
        return Promise.resolve();
      },
      ack: record('ack'),
      reject: record('reject'),
      typing: record('typing'),
      receipt: record('receipt'),
      historyEnd: record('historyEnd'),
      caughtUp: record('caughtUp'),
      error: record('error'),
      close: record('close'),
      sessionLost: record('sessionLost'),
    };
  }

  /** Every message from now on fails to store. */
  failStores(): void {
    this.#failing = true;
  }

  count(event: keyof TransportEvents): number {
    return this.log.filter((r) => r.event === event).length;
  }

  /** The arguments of every `event` so far, in order. */
  all<K extends keyof TransportEvents>(event: K): Parameters<Events[K]>[] {
    return this.log.filter((r) => r.event === event).map((r) => r.args as Parameters<Events[K]>);
  }

  find<K extends keyof TransportEvents>(event: K, match: (...args: Parameters<Events[K]>) => boolean = () => true) {
    return this.all(event).find((args) => (match as (...a: unknown[]) => boolean)(...args));
  }

  wait<K extends keyof TransportEvents>(event: K, match?: (...args: Parameters<Events[K]>) => boolean, timeout = 10_000) {
    return waitFor(() => this.find(event, match), timeout, `transport event "${event}"`);
  }

  /** Waits until `room` is subscribed and live. */
  joined(room: string, timeout = 10_000): Promise<unknown> {
    return this.wait('joined', (r) => r === room, timeout);
  }
}
