/** The clock and timers the engine uses, injected so that tests can drive time. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** One pending callback that can be re-armed or cancelled; the building block of every timer here. */
export class Timer {
  #handle: unknown;
  constructor(readonly timers: Timers) {}
  start(ms: number, fn: () => void): void {
    this.stop();
    this.#handle = this.timers.setTimeout(() => {
      this.#handle = undefined;
      fn();
    }, ms);
  }
  stop(): void {
    if (this.#handle !== undefined) this.timers.clearTimeout(this.#handle);
    this.#handle = undefined;
  }
  get pending(): boolean {
    return this.#handle !== undefined;
  }
}
