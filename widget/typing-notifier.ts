import type { Timers } from '../worker/timers.ts';

// The widget imports only types from worker/, so the page's own timers are wired here.
const browserClock: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Turns keystrokes into typing notifications: "typing" at most once per `every` ms while keys
 * come (the receiver forgets a typist after 6 s without one), and "stopped" after `idle` ms
 * without a key, as XEP-0085 does with `composing` and `paused`. One frame per keystroke would
 * flood the server and every peer.
 */
export class TypingNotifier {
  #typing = false;
  #lastSent = -Infinity;
  #idle: unknown;

  /**
   * @param send tells the engine
   * @param every least time between two "typing" notifications, in ms; default 3 000
   * @param idle time without a key before "stopped", in ms; default 5 000
   */
  constructor(
    readonly send: (typing: boolean) => void,
    readonly every = 3_000,
    readonly idle = 5_000,
    readonly clock: Timers = browserClock,
  ) {}

  key(): void {
    const now = this.clock.now();
    if (!this.#typing || now - this.#lastSent >= this.every) {
      this.#typing = true;
      this.#lastSent = now;
      this.send(true);
    }
    if (this.#idle !== undefined) this.clock.clearTimeout(this.#idle);
    this.#idle = this.clock.setTimeout(() => this.stop(), this.idle);
  }

  /** The message was sent, or the widget went away. */
  stop(): void {
    if (this.#idle !== undefined) this.clock.clearTimeout(this.#idle);
    this.#idle = undefined;
    if (!this.#typing) return;
    this.#typing = false;
    this.send(false);
  }
}
