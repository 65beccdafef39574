import { proxy, wrap, type Remote } from 'comlink';
import type { EngineApi, EngineEvent, EngineListener } from '../worker/api.ts';
import { installErrorTransfer } from '../worker/error-wire.ts';
import type { EngineLink } from './engine-client/link.ts';
import { bridgeLink } from './engine-client/bridge.ts';
import { fallbackLink } from './engine-client/fallback.ts';
import { sharedLink } from './engine-client/shared.ts';
import { EngineStartError } from './engine-client/start-error.ts';

export { EngineStartError };

/**
 * A tab's handle on the engine: one port per tab and engine name, shared by every widget on
 * the page (how it reaches the engine, `api.stats().mode` says). Widgets subscribe to the events; the engine filters them by the conversations this
 * tab has open. A start that fails rejects with {@link EngineStartError} (code `engine-start`)
 * and is not remembered, so calling again is a Retry.
 */
export interface EngineClient {
  api: Remote<EngineApi>;
  tabId: string;
  on(listener: EngineListener): () => void;
}

export interface EngineClientOptions {
  /** How long the engine may take to answer its first call, in ms. Default 10 000. */
  startTimeout?: number;
}

const clients = new Map<string, Promise<EngineClient>>();

export function engineClient(name = 'parley', options: EngineClientOptions = {}): Promise<EngineClient> {
  let client = clients.get(name);
  if (!client) {
    client = start(name, options.startTimeout ?? 10_000);
    clients.set(name, client);
    client.catch((e: unknown) => {
      clients.delete(name);
      console.error(`[parley] engine "${name}" did not start:`, e instanceof EngineStartError ? e.detail : e);
    });
  }
  return client;
}

async function start(name: string, timeout: number): Promise<EngineClient> {
  installErrorTransfer();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silent = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`The engine did not answer within ${timeout} ms.${bridged() ? ` ${bridgeHint()}` : ''}`), timeout);
  });
  let link: EngineLink | undefined;
  // A page of another origin reaches the engine through the bridge, whose frame is the tab and
  // holds its lock. Here the lock is asked for at once, while the worker starts: it is granted
  // by the browser, after tens of ms on a busy machine (bench item 6), and hello() waits for it.
  const ownTab = bridged() ? undefined : crypto.randomUUID();
  const locked = ownTab && holdTabLock(ownTab);
  try {
    const linked = await Promise.race([openLink(name), silent]);
    if (typeof linked === 'string') throw new EngineStartError(linked);
    link = linked;
    const api = wrap<EngineApi>(link.endpoint);
    const tabId = link.tabId ?? ownTab!;
    await locked;
    const listeners = new Set<EngineListener>();
    const hello = api.hello(
      tabId,
      proxy((event: EngineEvent) => {
        // The engine sends the events of one task together (worker/event-batch.ts).
        for (const one of event.type === 'batch' ? event.events : [event]) for (const listener of listeners) listener(one);
      }),
    );
    const cause = await Promise.race([hello.then(() => undefined), link.failed, silent]);
    if (cause !== undefined) throw new EngineStartError(cause);
    return ready(api, tabId, listeners);
  } catch (e) {
    link?.close();
    throw e instanceof EngineStartError ? e : new EngineStartError(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  } finally {
    clearTimeout(timer);
  }
}

/** Where parley.js was loaded from; its engine, bridge and chunks sit beside it. */
const here = import.meta.url;
const bridged = () => new URL(here).origin !== location.origin;
const bridgeHint = () => `The page reaches the engine through ${new URL('bridge.html', here).href}: check frame-src on this page, and frame-ancestors and the allow-list of the bridge (docs/embedding.md).`;

/**
 * A page of the widget's own origin starts the SharedWorker; any other page goes through the
 * bridge iframe, since a page cannot start a worker of another origin.
 */
async function openLink(name: string): Promise<EngineLink> {
  if (bridged()) return bridgeLink(name, new URL('bridge.html', here));
  if (!('SharedWorker' in globalThis)) return fallbackLink(name);
  // A browser that refuses this worker (a CSP) throws here.
  return sharedLink(name);
}

function ready(api: Remote<EngineApi>, tabId: string, listeners: Set<EngineListener>): EngineClient {
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

/**
 * Held for the life of the page: the engine learns that this tab is gone when it is granted
 * the same lock (worker/tabs.ts). It must be held before hello(), or the engine would be
 * granted it at once.
 */
const holdTabLock = (tabId: string): Promise<void> =>
  new Promise<void>((held) => {
    void navigator.locks.request(`parley-tab:${tabId}`, () => {
      held();
      return new Promise<never>(() => undefined);
    });
  });
