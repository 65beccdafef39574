/** The engine's defaults for every option of `EngineOptions` (worker/api.ts documents each). */

import type { EngineOptions } from './api.ts';

export const defaultOptions: EngineOptions = {
  heartbeatInterval: 15_000,
  heartbeatTimeout: 5_000,
  backoffBase: 500,
  backoffCap: 30_000,
  maxAttempts: Infinity,
  stableAfter: 10_000,
  idleGrace: 10_000,
  outboxLimit: 1_000,
  maxTextLength: 10_000,
  maxFileSize: 10 * 1024 * 1024,
};
