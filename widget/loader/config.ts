/**
 * What the loader reads from its own `<script>` tag. Every asset URL is resolved from the
 * script's URL, never from the page's root, so the widget works from any origin and path.
 */
export interface LoaderConfig {
  /** Folder the loader was served from, with a trailing slash; parley.js sits beside it. */
  base: string;
  /** `data-server`: the `ws://` or `wss://` URL. Required. */
  server: string;
  /** `data-protocol`: `websocket`, `mqtt` or `xmpp`. Default `websocket`. */
  protocol: string;
  /** `data-room`. Default `support`. */
  room: string;
  /** `data-user`: the visitor's stable id until `identify` (docs/identity.md). Default: a random id kept in this browser. */
  user: string;
  /** `data-name`: the name others see. Default: a stored "Visitor NNNN". */
  name: string;
  /** `data-heading`: the panel's title. Default: the room. */
  heading: string;
  /** `data-engine`: the engine's name (worker and database). Default `parley`. */
  engine: string;
  /**
   * `data-load`: when the UI and engine load. `interaction` (first hover, focus or click on
   * the launcher; at idle for a visitor who chatted before, so unread messages can show),
   * `idle` (when the browser is idle), or `eager` (at once). Default `interaction`.
   */
  load: 'interaction' | 'idle' | 'eager';
  /** `data-position`: `right` or `left` corner. Default `right`. */
  position: 'right' | 'left';
}

const VISITOR_KEY = 'parley.visitor';

export function readConfig(script: HTMLScriptElement): LoaderConfig {
  const data = script.dataset;
  const pick = <T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T =>
    allowed.includes(value as T) ? (value as T) : fallback;
  const room = data.room || 'support';
  return {
    base: new URL('.', script.src).href,
    server: data.server ?? '',
    protocol: data.protocol || 'websocket',
    room,
    user: data.user || remembered(`${VISITOR_KEY}.id`, () => `visitor-${crypto.randomUUID()}`),
    name: data.name || remembered(VISITOR_KEY, () => `Visitor ${Math.floor(1000 + Math.random() * 9000)}`),
    heading: data.heading || room,
    engine: data.engine || 'parley',
    load: pick(data.load, ['interaction', 'idle', 'eager'] as const, 'interaction'),
    position: pick(data.position, ['right', 'left'] as const, 'right'),
  };
}

/**
 * A value kept per browser for a visitor who has not been identified: a random id (two visitors
 * who pick one name stay two people) and a name to show.
 */
function remembered(key: string, make: () => string): string {
  try {
    let value = localStorage.getItem(key);
    if (!value) localStorage.setItem(key, (value = make()));
    return value;
  } catch {
    // Storage blocked (a sandboxed frame, a privacy setting): one per page view.
    return make();
  }
}
