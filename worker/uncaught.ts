/**
 * Errors that escaped every handler in the engine's worker. There should be none: transports'
 * events are guarded (worker/connection.ts) and calls reject to their tab. But an error in a
 * worker reaches no console a visitor or a site would look at, so the engine counts them, and
 * `stats()` reports the count and the last one (the fuzz tests assert it stays 0).
 */
export interface UncaughtErrors {
  count: number;
  /** The last one's message. */
  last?: string;
}

export function watchUncaught(scope: EventTarget): UncaughtErrors {
  const seen: UncaughtErrors = { count: 0 };
  const note = (what: unknown) => {
    seen.count += 1;
    seen.last = what instanceof Error ? `${what.name}: ${what.message}` : String(what);
  };
  scope.addEventListener('error', (e) => note((e as ErrorEvent).error ?? (e as ErrorEvent).message));
  scope.addEventListener('unhandledrejection', (e) => note((e as PromiseRejectionEvent).reason));
  return seen;
}
