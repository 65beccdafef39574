import { Timer, type Timers } from './timers.ts';

/**
 * Detects dead and half-open links. After `interval` ms with no inbound frame it asks for a
 * ping; if nothing arrives within `timeout` ms after that, the link is dead even though no
 * close event came (a half-open TCP connection sends none). Any inbound frame is proof of life.
 */
export interface HeartbeatOptions {
  /** Silence before a ping, in ms. Default 15 000. */
  interval: number;
  /** Wait for any answer after a ping, in ms. Default 5 000. */
  timeout: number;
  ping: () => void;
  dead: () => void;
  /** The first frame after a ping came this many ms after it: the round trip. */
  answered?: (rtt: number) => void;
}

export class Heartbeat {
  readonly #silence: Timer;
  readonly #answer: Timer;
  #running = false;
  #pingAt = 0;

  constructor(
    readonly timers: Timers,
    readonly options: HeartbeatOptions,
  ) {
    this.#silence = new Timer(timers);
    this.#answer = new Timer(timers);
  }

  start(): void {
    this.#running = true;
    this.alive();
  }

  /** Call on every inbound frame. */
  alive(): void {
    if (!this.#running) return;
    if (this.#answer.pending) this.options.answered?.(this.timers.now() - this.#pingAt);
    this.#answer.stop();
    this.#silence.start(this.options.interval, () => this.probe());
  }

  /** Pings now instead of waiting out the interval (the browser came online, a tab woke up). */
  probe(): void {
    if (!this.#running || this.#answer.pending) return;
    this.#silence.stop();
    this.#pingAt = this.timers.now();
    this.options.ping();
    this.#answer.start(this.options.timeout, () => {
      this.stop();
      this.options.dead();
    });
  }

  stop(): void {
    this.#running = false;
    this.#silence.stop();
    this.#answer.stop();
  }
}
