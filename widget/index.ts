import { ParleyChat } from './parley-chat.ts';

export { ParleyChat };
// The script-tag loader (widget/loader/loader.ts) reaches the engine through this.
export { engineClient, EngineStartError } from './engine-client.ts';
export type * from '../worker/api.ts';

// An embeddable widget may be loaded twice on one page (two script tags, two bundles).
if (!customElements.get('parley-chat')) customElements.define('parley-chat', ParleyChat);
