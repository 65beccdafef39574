/// <reference lib="webworker" />
import { expose, releaseProxy, type Remote } from 'comlink';
import type { EngineApi, EngineListener } from './api.ts';
import { Engine } from './engine.ts';
import { installErrorTransfer } from './error-wire.ts';
import { loadTransport } from './transports/load.ts';

/**
 * The SharedWorker entry: one engine per site per browser, named by the worker's `name`,
 * which also names its IndexedDB database (tests use a fresh name for a fresh engine).
 */
declare const self: SharedWorkerGlobalScope;

// A rejected call reaches the tab with its `code` (worker/error-wire.ts).
installErrorTransfer();

const engine = new Engine({
  dbName: `parley:${self.name || 'default'}`,
  load: loadTransport,
  online: () => navigator.onLine,
});

self.addEventListener('online', () => engine.wake('network-online'));
self.addEventListener('offline', () => engine.offline());

self.onconnect = (event: MessageEvent) => {
  const port = event.ports[0];
  if (!port) return;
  let tabId = '';
  const api: EngineApi = {
    hello: async (id, listener) => {
      tabId = id;
      // The listener is a comlink proxy to the tab; release it with the tab, or it leaks.
      engine.tabs.add(id, listener, () => (listener as unknown as Remote<EngineListener>)[releaseProxy]());
    },
    open: async (config, room) => engine.open(tabId, config, room),
    leave: async (conversation) => engine.leave(tabId, conversation),
    send: async (conversation, text) => engine.send(conversation, text),
    retry: async (conversation, id) => engine.retry(conversation, id),
    cancel: async (conversation, id) => engine.cancel(conversation, id),
    history: async (conversation, before, limit) => engine.page(conversation, before, limit),
    typing: async (conversation, typing) => engine.typing(conversation, typing),
    reconnectNow: async (conversation) => engine.reconnectNow(conversation),
    wake: async (reason) => engine.wake(reason),
    stats: async () => ({ ...(await engine.stats()), mode: 'shared' }),
  };
  expose(api, port);
};
