/**
 * The engine's figures as the tab ⇄ engine contract reports them: `stats()` for diagnostics and
 * tests, `health()` for support (docs/engine.md, "Health"). Types only; worker/api.ts re-exports them.
 */

import type { ConnectionState, StateReason } from './codes.ts';

export interface EngineStats {
  tabs: number;
  connections: number;
  /** Transport opens since the engine started, per connection key. */
  opens: Record<string, number>;
  /** The server URL in use (or being tried), per connection key: one of its server list. */
  urls: Record<string, string>;
  /** How this tab reaches the engine: a SharedWorker, or (without one) as the leader tab or a follower. */
  mode?: 'shared' | 'leader' | 'follower';
  /** Errors that escaped every handler in the engine's worker (worker/uncaught.ts); should stay 0. */
  uncaught: { count: number; last?: string };
}

export interface StateRecord {
  /** ms since the epoch. */
  at: number;
  from: ConnectionState;
  to: ConnectionState;
  reason: StateReason;
}

/** One connection's figures, as `EngineApi.health()` reports them. Every duration in ms. */
export interface LinkHealth {
  /** The connection key (protocol, url, user); never a password or token. */
  connection: string;
  protocol: string;
  /** The server URL in use, or being tried: one of the server list. */
  url: string;
  /** The whole server list, when it has more than one URL. */
  urls?: string[];
  state: ConnectionState;
  /** Time in the current state, in ms. */
  inStateFor: number;
  /** Times the link dropped and the engine started waiting to reconnect. */
  reconnects: number;
  /** The last 20 state changes, oldest first. */
  changes: StateRecord[];
  /** Heartbeat round trip: ping to the first frame after it, in ms; undefined before the first. */
  rtt: { last?: number; median?: number };
  /** Chat messages, and the UTF-8 bytes of their text, received and sent. */
  messages: { in: number; out: number };
  bytes: { in: number; out: number };
  /** Messages waiting in the outbox, and how long the oldest has waited, in ms. */
  outbox: { depth: number; oldestAge?: number };
}

/** The engine's figures, for a support request or a health panel (worker/health.ts). */
export interface EngineHealth {
  /** Tabs connected to the engine. */
  tabs: number;
  /** How this tab reaches the engine: a SharedWorker, or (without one) as the leader tab or a follower. */
  mode?: 'shared' | 'leader' | 'follower';
  connections: LinkHealth[];
}
