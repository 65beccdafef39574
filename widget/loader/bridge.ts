import { BRIDGE_TAG, isBridgeMessage, type BridgeMessage } from '../engine-client/bridge-protocol.ts';

/**
 * bridge.html's script, on the widget's origin: starts the engine's SharedWorker for a page of
 * another origin and transfers the port to it (widget/engine-client/bridge.ts). It also holds
 * each page's tab lock, since the engine can only see locks of its own origin (worker/tabs.ts).
 *
 * Which pages may use it: `<meta name="parley-allow" content="https://a.example https://b.example">`
 * in bridge.html (`*` allows any origin). Pair it with a `frame-ancestors` header on
 * bridge.html (docs/embedding.md).
 */
interface SharedWorkerOptions extends WorkerOptions {
  extendedLifetime?: boolean;
}

const allowList = (document.querySelector<HTMLMetaElement>('meta[name=parley-allow]')?.content ?? '').split(/\s+/).filter(Boolean);
const allowed = (origin: string) => allowList.includes('*') || allowList.includes(origin);
const parent = window.parent;
/** Each page's worker object, kept for its `error` event, which may come after the port left. */
const workers = new Map<string, SharedWorker>();

const post = (message: BridgeMessage, origin: string, transfer: Transferable[] = []) => parent.postMessage(message, origin, transfer);

addEventListener('message', (event: MessageEvent) => {
  // Only the page that framed us, and only from an allowed origin; never answer to '*'.
  if (event.source !== parent || !isBridgeMessage(event.data) || event.data.type !== 'connect') return;
  const { engine, id } = event.data;
  if (!allowed(event.origin)) {
    console.warn(`[parley] bridge: ${event.origin} is not in this bridge's allow-list`);
    return post({ tag: BRIDGE_TAG, type: 'failed', id, detail: `This widget does not allow pages of ${event.origin} to embed it (bridge.html allow-list).` }, event.origin);
  }
  if (typeof engine !== 'string' || typeof id !== 'string') return;
  const fail = (detail: string) => post({ tag: BRIDGE_TAG, type: 'failed', id, detail }, event.origin);
  const tabId = crypto.randomUUID();
  // Held for the life of this frame, which is the life of the page (worker/tabs.ts). Asked
  // for first: a browser that blocks third-party storage refuses it, and says why.
  navigator.locks
    .request(`parley-tab:${tabId}`, (): Promise<never> | undefined => {
      if (!('SharedWorker' in globalThis)) {
        fail('This browser has no SharedWorker, which a widget served from another origin needs (docs/embedding.md, "Without SharedWorker").');
        return undefined;
      }
      let worker: SharedWorker;
      try {
        // Same worker file and options as a direct start (widget/engine-client/shared.ts).
        worker = new SharedWorker(new URL('../../worker/engine.worker.ts', import.meta.url), {
          type: 'module',
          name: engine,
          extendedLifetime: true,
        } satisfies SharedWorkerOptions as WorkerOptions);
      } catch (e) {
        fail(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
        return undefined;
      }
      workers.set(id, worker);
      worker.addEventListener('error', () => fail(`The engine worker script beside ${import.meta.url} did not load.`));
      post({ tag: BRIDGE_TAG, type: 'port', id, tabId }, event.origin, [worker.port]);
      return new Promise<never>(() => undefined);
    })
    .catch((e: unknown) =>
      fail(
        `The browser denies storage to the widget's frame on this site (third-party cookies or storage blocked; docs/embedding.md): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
      ),
    );
});
