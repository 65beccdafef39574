/**
 * The one sleep and the one wait of the test suites, for Node and browser tests alike (only
 * `setTimeout` and `performance.now`). A test waits for the state that proves what it checks;
 * `sleep` is for a duration that is itself the point (an outage of 20 s), never to let
 * something happen.
 */

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * Polls `probe` (which may be async) every `every` ms until it returns something truthy, and
 * resolves with that; fails after `timeout` ms naming `what` it waited for.
 */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | 0 | '' | PromiseLike<T | undefined | null | false | 0 | ''>,
  timeout = 10_000,
  what = 'condition',
  every = 25,
): Promise<T> {
  const end = performance.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > end) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await sleep(every);
  }
}

/**
 * Polls `probe` until it has returned the same value for `quiet` ms, and resolves with that
 * value: for counts that others change for a while yet (a broker's clients while idle links of
 * earlier tests close, each after the engine's `idleGrace`; `quiet` must be longer than that).
 */
export async function settled<T>(probe: () => T | PromiseLike<T>, quiet: number, timeout = 20_000, what = 'value', every = 100): Promise<T> {
  let value = await probe();
  let since = performance.now();
  return waitFor(
    async () => {
      const now = await probe();
      if (now !== value) [value, since] = [now, performance.now()];
      return performance.now() - since >= quiet && { value };
    },
    timeout,
    `${what} to settle for ${quiet} ms`,
    every,
  ).then((r) => r.value);
}
