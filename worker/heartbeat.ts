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
  /** When the last inbound frame came (timers.now()). */
  #heardAt = 0;

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

  /**
   * Call on every inbound frame. It only notes the time: re-arming a timer per frame cost a
   * burst of 10 000 frames about 90 ms of the worker (docs/speed.md). The silence timer looks
   * at the note when it fires, and waits out the rest of the interval if a frame came since.
   */
  alive(): void {
    if (!this.#running) return;
    this.#heardAt = this.timers.now();
    if (this.#answer.pending) {
      this.options.answered?.(this.#heardAt - this.#pingAt);
      this.#answer.stop();
    }
    if (!this.#silence.pending) this.#awaitSilence(this.options.interval);
  }

  #awaitSilence(ms: number): void {
    this.#silence.start(ms, () => {
      const quiet = this.timers.now() - this.#heardAt;
      if (quiet >= this.options.interval) this.probe();
      // A clock set back (quiet < 0) waits one whole interval more, not longer.
      else this.#awaitSilence(quiet < 0 ? this.options.interval : this.options.interval - quiet);
    });
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
