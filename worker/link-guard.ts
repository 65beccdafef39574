/**
 * Wraps the handlers a transport calls for one link (a Connection's TransportEvents): once that
 * link is no longer the current one, its events back out; and whatever a handler throws or
 * rejects with goes to `report` instead of into the transport.
 */
export function linkGuard(live: () => boolean, report: (e: unknown) => void) {
  return <A extends unknown[]>(fn: (...args: A) => unknown) =>
    (...args: A): void => {
      if (!live()) return;
      // A handler may throw before it returns a promise; neither may escape into the transport.
      // Most handlers return nothing (one per inbound frame), and only a promise is waited on.
      try {
        const result = fn(...args);
        if (result instanceof Promise) result.catch((e: unknown) => report(e));
      } catch (e) {
        report(e);
      }
    };
}
