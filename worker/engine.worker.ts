/// <reference lib="webworker" />
import { expose, releaseProxy, type Remote } from 'comlink';
import type { EngineApi, EngineHealth, EngineListener, EngineStats } from './api.ts';
import { CALL_METHODS, createEngine, invoke } from './engine-host.ts';
import { installErrorTransfer } from './error-wire.ts';
import { batchEvents } from './event-batch.ts';

/**
 * The SharedWorker entry: one engine per site per browser, named by the worker's `name`.
 * Browsers without SharedWorker run fallback/tab.worker.ts instead.
 */
declare const self: SharedWorkerGlobalScope;

// A rejected call reaches the tab with its `code` (worker/error-wire.ts).
installErrorTransfer();
const engine = createEngine(self.name);

self.onconnect = (event: MessageEvent) => {
  const port = event.ports[0];
  if (!port) return;
  let tabId = '';
  const api = Object.fromEntries(CALL_METHODS.map((m) => [m, (...args: unknown[]) => invoke(engine, tabId, m, args)])) as unknown as EngineApi;
  api.hello = async (id, listener) => {
    tabId = id;
    // The listener is a comlink proxy to the tab; release it with the tab, or it leaks.
    engine.tabs.add(id, batchEvents(listener), () => (listener as unknown as Remote<EngineListener>)[releaseProxy]());
  };
  api.stats = async (): Promise<EngineStats> => ({ ...(await engine.stats()), mode: 'shared' });
  api.health = async (): Promise<EngineHealth> => ({ ...(await engine.health()), mode: 'shared' });
  expose(api, port);
};
