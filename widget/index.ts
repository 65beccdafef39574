import { ParleyChat } from './parley-chat.ts';

/**
 * Defines `<parley-chat>` (parley.js, and the package's `./define`). Also re-exports the
 * element's entry; the script-tag loader (widget/loader/loader.ts) reaches the engine through
 * `engineClient`.
 */
export * from './element.ts';

// An embeddable widget may be loaded twice on one page (two script tags, two bundles). On a
// server there is no document, and nothing is defined: not even in the registry that lit's
// server build installs (test/node/package-ssr.test.ts).
if (typeof document === 'object' && !customElements.get('parley-chat')) customElements.define('parley-chat', ParleyChat);
