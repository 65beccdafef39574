import type { EngineLink } from './link.ts';
import { SharedWorker } from './trusted.ts';
import { failure } from './link.ts';

/**
 * `extendedLifetime` (Chromium 148+) keeps the worker, and so its sockets, alive for a while
 * after its last tab unloads, so that reloading the only tab finds the same engine. Browsers
 * without it ignore the unknown member (WebIDL dictionaries drop what they do not know), and a
 * reload there starts a new engine whose outbox sends whatever was queued (docs/platform.md).
 */
interface SharedWorkerOptions extends WorkerOptions {
  extendedLifetime?: boolean;
}

/** The engine in a SharedWorker of this document's origin: one per engine name per browser. */
export function sharedLink(name: string): EngineLink {
  const { failed, fail } = failure();
  // Vite rewrites this URL only when `new URL()` is written inline, and needs `type` as a
  // literal in an inline object (docs/platform.md, "Build"). The built URL is relative to
  // parley.js (vite.config.ts, `base`), so dist/ works under any path.
  const worker = new SharedWorker(new URL('../../worker/engine.worker.ts', import.meta.url), {
    type: 'module',
    name,
    extendedLifetime: true,
  } satisfies SharedWorkerOptions as WorkerOptions);
  // Fired when the script cannot be fetched or is not a valid module. The event carries no
  // reason and the worker no URL (Vite rewrites only the inline one); the worker file sits
  // in assets/ beside the module that started it.
  worker.addEventListener('error', () => fail(`The engine worker script in assets/ beside ${import.meta.url} did not load or did not run.`), {
    once: true,
  });
  return { mode: 'shared', endpoint: worker.port, failed, close: () => worker.port.close() };
}

