/** Unmeasured runs of a baseline before its first figure, and measured runs per figure (their best). */
const WARMUPS = 4;
const RUNS = 3;

/**
 * A server's raw rate whose figure does not depend on what the bench ran before it. Measured
 * from cold, the baselines of items 4 and 7 read about half of what the same servers take warm:
 * - mqtt.js from Node against Mosquitto, 16 runs of 1 000 publishes in a row: about 3 700 msg/s
 *   in the first run and 5 000–14 000 from the fourth (Node's JIT);
 * - the relay, 14 runs of 1 000: 6 600–7 000 in the first, 7 700–9 500 later;
 * - in one bench run the Mosquitto baseline read 11 257 (warmed by the items before it), alone
 *   with `BENCH_ONLY=7` 5 500–5 800, and the same drain's ratio 0.14 and 0.24–0.29.
 * Warm, Mosquitto's still came in two modes, about 6 000 and 13 000 msg/s (three runs in a row:
 * 5 954, 5 943, 13 170), so a median of three picks either. A raw rate is what the server can
 * take: noise only lowers it. So WARMUPS unmeasured runs the first time, then the best of RUNS.
 * The issue itself puts the relay alone at 8 000–13 000 msg/s.
 */
export function steady(measure: (count: number, run: number) => Promise<number>): (count: number) => Promise<number> {
  let runs = 0;
  return async (count) => {
    if (runs === 0) for (let i = 0; i < WARMUPS; i++) await measure(count, runs++);
    let best = 0;
    for (let i = 0; i < RUNS; i++) best = Math.max(best, await measure(count, runs++));
    return best;
  };
}
