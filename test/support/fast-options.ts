import type { EngineOptions } from '../../worker/api.ts';

/**
 * Engine options that make a dropped link noticed and retried within a test's time; all in ms.
 * A dead link is noticed after interval + timeout (5 s); retries start at 200 ms and stay under
 * 2 s. The XMPP tests need the 3 s timeout: Prosody can take longer than 2 s to answer a ping
 * on a busy machine.
 */
export const FAST = {
  heartbeatInterval: 2_000,
  heartbeatTimeout: 3_000,
  backoffBase: 200,
  backoffCap: 2_000,
} as const satisfies Partial<EngineOptions>;
