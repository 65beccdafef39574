/**
 * How big the fault scenarios are. `npm test` runs short versions; `npm run test:soak` sets
 * PARLEY_SOAK=1 and runs the sizes the issue asks for. Durations in ms.
 */
export interface FaultScale {
  soak: boolean;
  /** Messages in the burst the server is killed during. */
  burst: number;
  /** How long the network is down. */
  downMs: number;
  /** Page reloads during the reload burst, and that burst's length. */
  reloads: number;
  reloadBurst: number;
  /** Drop and reconnect cycles of the flapping link. */
  flaps: number;
  /** How long the page stays hidden under intensive wake-up throttling. */
  hiddenMs: number;
  /** How long a page is hidden before that throttling starts, s (Chrome's default is 300). */
  throttleGraceS: number;
  /** How long a bad password is left to retry, while the server counts its attempts. */
  authWindowMs: number;
  /** Clients of the stampede test. */
  stampedeClients: number;
}

export const soak = (): boolean => process.env.PARLEY_SOAK === '1';

/** PARLEY_FLAPS overrides the number of flaps alone, to look at one figure's trend. */
export const faultScale = (): FaultScale => ({ ...sizes(), ...(process.env.PARLEY_FLAPS ? { flaps: Number(process.env.PARLEY_FLAPS) } : {}) });

const sizes = (): FaultScale =>
  soak()
    ? { soak: true, burst: 500, downMs: 60_000, reloads: 20, reloadBurst: 300, flaps: 500, hiddenMs: 10 * 60_000, throttleGraceS: 300, authWindowMs: 60_000, stampedeClients: 1_000 }
    : { soak: false, burst: 100, downMs: 6_000, reloads: 5, reloadBurst: 60, flaps: 20, hiddenMs: 20_000, throttleGraceS: 5, authWindowMs: 3_000, stampedeClients: 1_000 };
