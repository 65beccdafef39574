import type { EngineOptions } from './api.ts';
import { Backoff } from './backoff.ts';
import { ServerList } from './server-list.ts';
import { Timer, type Timers } from './timers.ts';

/** What to do after a link is lost or an attempt fails. */
export type NextAttempt =
  /** Another server of the list has not failed in this round: try it at once. */
  | { kind: 'failover' }
  /** Every server failed in this round: wait `delay` ms (backoff with jitter), then try again. */
  | { kind: 'wait'; delay: number }
  /** `maxAttempts` attempts in a row failed. */
  | { kind: 'give-up' };

/**
 * The reconnect rules of one connection, the same on every protocol: the server list
 * (worker/server-list.ts) is walked at once, backoff (worker/backoff.ts) waits only after a
 * whole round failed, and the backoff resets only once a link has stayed up `stableAfter` ms,
 * so a server that accepts and then drops every link keeps being backed off.
 */
export class ReconnectPolicy {
  readonly #servers: ServerList;
  readonly #backoff: Backoff;
  readonly #retry: Timer;
  readonly #stable: Timer;

  constructor(
    urls: readonly string[],
    readonly options: Pick<EngineOptions, 'backoffBase' | 'backoffCap' | 'maxAttempts' | 'stableAfter'>,
    timers: Timers,
    random: () => number,
  ) {
    this.#servers = new ServerList(urls);
    this.#backoff = new Backoff({ base: options.backoffBase, cap: options.backoffCap, random });
    this.#retry = new Timer(timers);
    this.#stable = new Timer(timers);
  }

  /** Attempts since the last link that stayed up. */
  get attempt(): number {
    return this.#backoff.attempt;
  }

  /** The server URL in use, or the one to try next. */
  get url(): string {
    return this.#servers.current;
  }

  /** A link opened on the current server. */
  opened(): void {
    this.#servers.opened();
    this.#stable.start(this.options.stableAfter, () => this.#backoff.reset());
  }

  /** The link broke or the attempt failed: what next. A `wait` counts the attempt. */
  next(): NextAttempt {
    if (this.#servers.failed()) return { kind: 'failover' };
    if (this.#backoff.attempt >= this.options.maxAttempts) return { kind: 'give-up' };
    return { kind: 'wait', delay: this.#backoff.next() };
  }

  /** Calls `retry` after `delay` ms, unless `stop()` comes first. */
  schedule(delay: number, retry: () => void): void {
    this.#retry.start(delay, retry);
  }

  /** The visitor asked to retry a connection that gave up: count attempts from zero again. */
  restart(): void {
    this.#backoff.reset();
  }

  /** The link ended: cancel a pending retry, and a backoff reset the link had not yet earned. */
  stop(): void {
    this.#retry.stop();
    this.#stable.stop();
  }
}
