/// <reference lib="webworker" />
import type { EngineApi } from './api.ts';
import { Engine } from './engine.ts';
import { loadTransport } from './transports/load.ts';
import { watchUncaught } from './uncaught.ts';

/**
 * What every engine entry shares: the SharedWorker (engine.worker.ts) and the leader of the
 * no-SharedWorker fallback (fallback/tab.worker.ts).
 */
export function createEngine(name: string): Engine {
  const engine = new Engine({
    // The engine's name also names its IndexedDB database (tests use a fresh name for a fresh engine).
    dbName: `parley:${name || 'default'}`,
    load: loadTransport,
    online: () => navigator.onLine,
  });
  engine.uncaught = watchUncaught(self);
  self.addEventListener('online', () => engine.wake('network-online'));
  self.addEventListener('offline', () => engine.offline());
  return engine;
}

/** Every call but `hello`, which registers the tab and its listener. */
export type CallMethod = Exclude<keyof EngineApi, 'hello'>;
export type CallArgs<M extends CallMethod> = Parameters<EngineApi[M]>;

/** Runs one tab's call on the engine; `open` and `leave` need to know which tab asks. */
export function invoke(engine: Engine, tabId: string, method: CallMethod, args: unknown[]): Promise<unknown> {
  const a = args as never[];
  const table: { [M in CallMethod]: (...args: CallArgs<M>) => unknown } = {
    open: (config, room, withPage) => engine.open(tabId, config, room, withPage === true),
    leave: (conversation) => engine.leave(tabId, conversation),
    send: (conversation, text, options) => engine.send(conversation, text, tabId, options),
    sendFiles: (conversation, files, text, measured, options) => engine.sendFiles(conversation, files, text, measured, options),
    retry: (conversation, id) => engine.retry(conversation, id),
    cancel: (conversation, id) => engine.cancel(conversation, id),
    history: (conversation, before, limit) => engine.page(conversation, before, limit),
    typing: (conversation, typing) => engine.typing(conversation, typing),
    reconnectNow: (conversation) => engine.reconnectNow(conversation),
    configure: (conversation, settings) => engine.configure(conversation, settings),
    wake: (reason) => engine.wake(reason),
    stats: () => engine.stats(),
    health: () => engine.health(),
    markRead: (conversation, order) => engine.markRead(conversation, order),
    unread: (conversation) => engine.unread(conversation),
    draft: (conversation) => engine.draft(conversation),
    setDraft: (conversation, text) => engine.setDraft(tabId, conversation, text),
    visibility: (visible, looking) => engine.visibility(tabId, visible, looking),
  };
  // An async wrapper, so that a synchronous throw becomes a rejection like any other.
  return (async () => (table[method] as (...x: never[]) => unknown)(...a))();
}

export const CALL_METHODS: readonly CallMethod[] = [
  'open',
  'leave',
  'send',
  'sendFiles',
  'retry',
  'cancel',
  'history',
  'typing',
  'reconnectNow',
  'configure',
  'wake',
  'stats',
  'health',
  'markRead',
  'unread',
  'draft',
  'setDraft',
  'visibility',
];
