import type { ErrorInfo } from './api.ts';
import { Timer, type Timers } from './timers.ts';

/** Shortest time between two reports of one error code, in ms. */
export const ERROR_REPORT_EVERY = 1_000;

/**
 * Keeps a flood of one kind of error from flooding every tab: a server that sends ten thousand
 * malformed frames would otherwise send ten thousand `error` events to each tab, and the tabs
 * would fall behind the messages that matter. The first error of a code is reported at once;
 * those of the same code within the next second are counted, and one report says how many, with
 * the last one's words. Each report is still specific: it names the code and what went wrong.
 */
export class ErrorThrottle {
  readonly #codes = new Map<string, { at: number; held: number; last?: ErrorInfo; timer: Timer }>();

  constructor(
    readonly timers: Timers,
    readonly report: (error: ErrorInfo) => void,
  ) {}

  add(error: ErrorInfo): void {
    const now = this.timers.now();
    let code = this.#codes.get(error.code);
    if (!code) this.#codes.set(error.code, (code = { at: -Infinity, held: 0, timer: new Timer(this.timers) }));
    if (now - code.at >= ERROR_REPORT_EVERY && !code.timer.pending) {
      code.at = now;
      return this.report(error);
    }
    code.held += 1;
    code.last = error;
    const entry = code;
    if (!entry.timer.pending) entry.timer.start(entry.at + ERROR_REPORT_EVERY - now, () => this.#flush(entry));
  }

  #flush(code: { at: number; held: number; last?: ErrorInfo; timer: Timer }): void {
    const { held, last } = code;
    code.held = 0;
    code.at = this.timers.now();
    if (!last || !held) return;
    code.last = undefined;
    this.report(held === 1 ? last : { code: last.code, message: `${held} errors like this in the last second; the last: ${last.message}` });
  }

  /** Stops the pending reports (the connection is closing). */
  stop(): void {
    for (const { timer } of this.#codes.values()) timer.stop();
  }
}
