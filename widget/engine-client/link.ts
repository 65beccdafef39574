import type { Endpoint } from 'comlink';
import type { EngineStats } from '../../worker/api.ts';

export type EngineMode = NonNullable<EngineStats['mode']>;

/**
 * One way for a tab to reach the engine: a SharedWorker port (shared.ts), a port handed over
 * by the cross-origin bridge iframe (bridge.ts), or a leader tab's engine (fallback.ts).
 */
export interface EngineLink {
  /** How the tab reaches the engine at first (a fallback worker may lead or follow later). */
  mode: EngineMode;
  endpoint: Endpoint;
  /**
   * Set when someone other than this document holds the tab's Web Lock (the bridge iframe,
   * whose origin is the engine's); otherwise the client takes a fresh id and holds the lock.
   */
  tabId?: string;
  /** Settles with a technical cause if the engine cannot start; never resolves otherwise. */
  failed: Promise<string>;
  close(): void;
}

/** Waits for a `failed` promise to fire, without ever rejecting. */
export const failure = (): { failed: Promise<string>; fail: (cause: string) => void } => {
  let fail: (cause: string) => void = () => undefined;
  const failed = new Promise<string>((resolve) => (fail = resolve));
  return { failed, fail };
};
