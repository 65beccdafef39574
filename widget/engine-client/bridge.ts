import { BRIDGE_TAG, isBridgeMessage, type BridgeMessage } from './bridge-protocol.ts';
import { failure, type EngineLink } from './link.ts';

/**
 * The engine through the bridge iframe, for a page whose origin is not the widget's: a page
 * cannot start a SharedWorker from another origin (docs/platform.md, "SharedWorker"). One
 * hidden iframe per page serves every engine name. A bridge that never answers (frame-src,
 * frame-ancestors, a 404) is caught by the client's start deadline.
 */
interface Bridge {
  window: Window;
  origin: string;
}
let frame: Promise<Bridge> | undefined;

/** Messages from the bridge only: its origin, its window, our tag. */
const fromBridge = (event: MessageEvent, origin: string, source: Window | null): BridgeMessage | undefined =>
  event.origin === origin && event.source === source && isBridgeMessage(event.data) ? event.data : undefined;

function bridgeFrame(url: URL): Promise<Bridge> {
  return (frame ??= new Promise((ready) => {
    const iframe = document.createElement('iframe');
    iframe.hidden = true;
    iframe.title = 'Parley connection';
    // Module scripts run before the frame's load event, so the bridge listens by then.
    iframe.addEventListener('load', () => ready({ window: iframe.contentWindow!, origin: url.origin }), { once: true });
    iframe.src = url.href;
    document.body.append(iframe);
  }));
}

export async function bridgeLink(name: string, url: URL): Promise<EngineLink> {
  const bridge = await bridgeFrame(url);
  const { failed, fail } = failure();
  const id = crypto.randomUUID();
  return new Promise<EngineLink>((linked) => {
    const onMessage = (event: MessageEvent) => {
      const data = fromBridge(event, bridge.origin, bridge.window);
      if (!data || !('id' in data) || data.id !== id) return;
      const port = event.ports[0];
      if (data.type === 'port' && port) return linked({ mode: 'shared', endpoint: port, tabId: data.tabId, failed, close: () => port.close() });
      // Refused, or failed before or after the port came (a worker script that does not
      // load): the client reports the cause while it waits for the engine.
      removeEventListener('message', onMessage);
      fail(data.type === 'failed' ? data.detail : `The bridge answered ${data.type} without a port.`);
      linked({ mode: 'shared', endpoint: new MessageChannel().port1, failed, close: () => undefined });
    };
    addEventListener('message', onMessage);
    const connect: BridgeMessage = { tag: BRIDGE_TAG, type: 'connect', engine: name, id };
    bridge.window.postMessage(connect, bridge.origin);
  });
}
