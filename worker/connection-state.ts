import type { ConnectionState, ErrorInfo, StateChange } from './api.ts';
import type { StateReason } from './codes.ts';

/**
 * The one transition table. `connecting` is every attempt, first or not; `reconnecting` is the
 * wait between attempts; `offline` waits for the browser's `online` event instead of a timer.
 */
const TRANSITIONS: Record<ConnectionState, readonly ConnectionState[]> = {
  idle: ['connecting', 'offline', 'closed'],
  connecting: ['open', 'reconnecting', 'offline', 'failed', 'closed'],
  open: ['reconnecting', 'offline', 'failed', 'closed'],
  reconnecting: ['connecting', 'offline', 'failed', 'closed'],
  offline: ['connecting', 'closed'],
  failed: ['connecting', 'closed'],
  closed: [],
};

export class ConnectionStateMachine {
  #change: StateChange;

  constructor(
    connection: string,
    readonly onChange: (change: StateChange) => void,
  ) {
    this.#change = { connection, from: 'idle', to: 'idle', reason: 'created', attempt: 0 };
  }

  get state(): ConnectionState {
    return this.#change.to;
  }

  get current(): StateChange {
    return this.#change;
  }

  can(to: ConnectionState): boolean {
    return TRANSITIONS[this.state].includes(to);
  }

  /** Moves to `to` and reports it; an illegal move is a bug, so it throws. */
  go(to: ConnectionState, reason: StateReason, extra: { attempt: number; nextRetryAt?: number; error?: ErrorInfo; url?: string }): void {
    if (!this.can(to)) throw new Error(`Parley: no transition from ${this.state} to ${to} (${reason})`);
    this.#change = { connection: this.#change.connection, from: this.state, to, reason, ...extra };
    this.onChange(this.#change);
  }
}
