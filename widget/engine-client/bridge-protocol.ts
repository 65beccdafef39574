/**
 * Messages between a page and the bridge iframe (widget/loader/bridge.ts), a page of the
 * widget's origin that starts the SharedWorker there and hands the page its port. The page
 * speaks first, once the frame has loaded (its module script has run by then): the bridge
 * cannot know the page's origin before, and will not post to `'*'`. Every
 * message is tagged, and each side checks the other's origin before reading it; neither side
 * ever posts to `'*'`. Nothing secret travels: tokens go over the port, never in a URL.
 */
export const BRIDGE_TAG = 'parley-bridge/1';

export type BridgeMessage =
  /** page → bridge: start (or join) the engine of this name. */
  | { tag: typeof BRIDGE_TAG; type: 'connect'; engine: string; id: string }
  /** bridge → page, with the engine's port transferred; the bridge holds the tab's lock. */
  | { tag: typeof BRIDGE_TAG; type: 'port'; id: string; tabId: string }
  /** bridge → page: this page's origin is not allowed, or the engine did not start. */
  | { tag: typeof BRIDGE_TAG; type: 'failed'; id: string; detail: string };

export const isBridgeMessage = (data: unknown): data is BridgeMessage =>
  typeof data === 'object' && data !== null && (data as { tag?: unknown }).tag === BRIDGE_TAG && typeof (data as { type?: unknown }).type === 'string';
