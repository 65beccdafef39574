import { proxy, wrap, type Remote } from 'comlink';
import type { EngineApi, EngineEvent, EngineListener } from '../worker/api.ts';
import { installErrorTransfer } from '../worker/error-wire.ts';

/**
 * A tab's handle on the engine: one SharedWorker port per tab and engine name, shared by
 * every widget on the page. Widgets subscribe to the events; the engine filters them by the
 * conversations this tab has open.
 */
export interface EngineClient {
  api: Remote<EngineApi>;
  tabId: string;
  on(listener: EngineListener): () => void;
}

const clients = new Map<string, Promise<EngineClient>>();

export function engineClient(name = 'parley'): Promise<EngineClient> {
  let client = clients.get(name);
  if (!client) {
    client = start(name);
    clients.set(name, client);
  }
  return client;
}

/**
 * `extendedLifetime` (Chromium 148+) keeps the worker, and so its sockets, alive for a while
 * after its last tab unloads, so that reloading the only tab finds the same engine. Browsers
 * without it ignore the unknown member (WebIDL dictionaries drop what they do not know), and a
 * reload there starts a new engine whose outbox sends whatever was queued (docs/platform.md).
 */
interface SharedWorkerOptions extends WorkerOptions {
  extendedLifetime?: boolean;
}

async function start(name: string): Promise<EngineClient> {
  installErrorTransfer();
  // Vite rewrites this URL only when `new URL()` is written inline, and needs `type` as a
  // literal in an inline object (docs/platform.md, "Build").
  const worker = new SharedWorker(new URL('../worker/engine.worker.ts', import.meta.url), {
    type: 'module',
    name,
    extendedLifetime: true,
  } satisfies SharedWorkerOptions as WorkerOptions);
  const api = wrap<EngineApi>(worker.port);
  const tabId = crypto.randomUUID();
  // Held for the life of the page: the engine learns that this tab is gone when it is granted
  // the same lock. It must be held before hello(), or the engine would be granted it at once.
  await new Promise<void>((held) => {
    void navigator.locks.request(`parley-tab:${tabId}`, () => {
      held();
      return new Promise<never>(() => undefined);
    });
  });
  const listeners = new Set<EngineListener>();
  await api.hello(
    tabId,
    proxy((event: EngineEvent) => {
      for (const listener of listeners) listener(event);
    }),
  );
  // Timers in a hidden tab are throttled, the engine's are not; but the engine cannot see the
  // page wake up or the network return before the browser tells the worker, so say so at once.
  addEventListener('online', () => void api.wake('network-online'));
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && void api.wake('tab-visible'));
  return {
    api,
    tabId,
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
