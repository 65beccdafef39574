/// <reference lib="webworker" />
import { expose, releaseProxy, type Remote } from 'comlink';
import type { EngineApi, EngineListener } from './api.ts';
import { Engine } from './engine.ts';
import { toInfo } from './errors.ts';
import { loadTransport } from './transports/load.ts';

/**
 * The SharedWorker entry: one engine per site per browser, named by the worker's `name`,
 * which also names its IndexedDB database (tests use a fresh name for a fresh engine).
 */
declare const self: SharedWorkerGlobalScope;

const engine = new Engine({
  dbName: `parley:${self.name || 'default'}`,
  load: loadTransport,
  online: () => navigator.onLine,
});

self.addEventListener('online', () => engine.wake('network-online'));
self.addEventListener('offline', () => engine.offline());

/** Errors cross comlink as plain objects; keep their stable code in the message. */
const guarded = async <T>(fn: () => T | Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (e) {
    const info = toInfo(e);
    throw Object.assign(new Error(info.message), { name: info.code });
  }
};

self.onconnect = (event: MessageEvent) => {
  const port = event.ports[0];
  if (!port) return;
  let tabId = '';
  const api: EngineApi = {
    hello: (id, listener) =>
      guarded(() => {
        tabId = id;
        // The listener is a comlink proxy to the tab; release it with the tab, or it leaks.
        engine.tabs.add(id, listener, () => (listener as unknown as Remote<EngineListener>)[releaseProxy]());
      }),
    open: (config, room) => guarded(() => engine.open(tabId, config, room)),
    leave: (conversation) => guarded(() => engine.leave(tabId, conversation)),
    send: (conversation, text) => guarded(() => engine.send(conversation, text)),
    retry: (conversation, id) => guarded(() => engine.retry(conversation, id)),
    cancel: (conversation, id) => guarded(() => engine.cancel(conversation, id)),
    history: (conversation, before, limit) => guarded(() => engine.page(conversation, before, limit)),
    typing: (conversation, typing) => guarded(() => engine.typing(conversation, typing)),
    reconnectNow: (conversation) => guarded(() => engine.reconnectNow(conversation)),
    wake: (reason) => guarded(() => engine.wake(reason)),
    stats: () => guarded(() => engine.stats()),
  };
  expose(api, port);
};
