/**
 * Exponential backoff with full jitter: delay = random(0, min(cap, base * 2^attempt)).
 * Full jitter spreads a crowd of reconnecting clients evenly, so a restarted server is not
 * hit by all of them at once (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015).
 */
export interface BackoffOptions {
  /** Ceiling of the first delay, in ms. Default 500. */
  base: number;
  /** Largest ceiling, in ms. Default 30 000. */
  cap: number;
  /** Returns a number in [0, 1). Default Math.random. */
  random: () => number;
}

const defaults: BackoffOptions = { base: 500, cap: 30_000, random: Math.random };

export class Backoff {
  readonly #options: BackoffOptions;
  #attempt = 0;

  constructor(options: Partial<BackoffOptions> = {}) {
    this.#options = { ...defaults, ...options };
  }

  /** Attempts made since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The ceiling for the given attempt, in ms. */
  ceiling(attempt: number): number {
    const { base, cap } = this.#options;
    // 2^attempt overflows to Infinity long after it passes any sane cap; min() handles that.
    return Math.min(cap, base * 2 ** attempt);
  }

  /** The delay before the next attempt, in ms; counts the attempt. */
  next(): number {
    const delay = Math.floor(this.#options.random() * this.ceiling(this.#attempt));
    this.#attempt += 1;
    return delay;
  }

  reset(): void {
    this.#attempt = 0;
  }
}
