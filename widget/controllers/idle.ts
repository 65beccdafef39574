/** Longest wait for an idle moment before `whenIdle` runs its work anyway, in ms. */
export const IDLE_LIMIT = 3_000;

/**
 * Runs `work` when the page is next idle, or after `limit` ms (default IDLE_LIMIT) if it never
 * is. Returns a function that cancels it. Safari has no requestIdleCallback: there it runs after
 * a third of `limit`, late enough to be past most pages' start-up work.
 */
export function whenIdle(work: () => void, limit = IDLE_LIMIT): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(work, { timeout: limit });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(work, limit / 3);
  return () => clearTimeout(id);
}
