import { Worker } from './trusted.ts';
import { failure, type EngineLink } from './link.ts';

/**
 * Where there is no SharedWorker (some mobile browsers, in-app webviews): a dedicated worker
 * per tab, of which one leads and runs the engine (worker/fallback/tab.worker.ts). It speaks
 * the same EngineApi, so the UI cannot tell; the engine's stats say `leader` or `follower`.
 */
export function fallbackLink(name: string): EngineLink {
  const { failed, fail } = failure();
  // Inline `new URL()` and a literal `type`, for Vite (docs/platform.md, "Build").
  const worker = new Worker(new URL('../../worker/fallback/tab.worker.ts', import.meta.url), { type: 'module', name });
  worker.addEventListener('error', () => fail(`The engine worker script in assets/ beside ${import.meta.url} did not load or did not run.`), {
    once: true,
  });
  return { mode: 'leader', endpoint: worker, failed, close: () => worker.terminate() };
}
