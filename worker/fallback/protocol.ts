import type { EngineEvent } from '../api.ts';
import type { CallMethod } from '../engine-host.ts';
import type { WireError } from '../error-wire.ts';

/**
 * What the tabs' dedicated workers say on the BroadcastChannel `parley-engine:<name>`, in a
 * browser without SharedWorker. One of them holds the Web Lock `parley-leader:<name>` and runs
 * the engine; the others send it their tab's calls and receive their tab's events.
 */
export type FallbackMessage =
  /** A follower starting up asks who leads. */
  | { kind: 'who' }
  /** The leader, on taking the lock and in answer to `who`. */
  | { kind: 'leader'; leader: string }
  /** follower → leader: `hello` registers the tab; the rest are EngineApi calls. */
  | { kind: 'call'; leader: string; from: string; call: string; tabId: string; method: CallMethod | 'hello'; args: unknown[] }
  /** leader → follower. */
  | { kind: 'reply'; to: string; call: string; ok: true; value: unknown }
  | { kind: 'reply'; to: string; call: string; ok: false; error: WireError }
  /** leader → the follower whose tab the event is for. */
  | { kind: 'event'; tabId: string; event: EngineEvent };

export const channelName = (engine: string) => `parley-engine:${engine}`;
export const leaderLock = (engine: string) => `parley-leader:${engine}`;
