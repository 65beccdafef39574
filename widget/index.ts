import { ParleyChat } from './parley-chat.ts';

export { ParleyChat };
export type * from '../worker/api.ts';

// An embeddable widget may be loaded twice on one page (two script tags, two bundles).
if (!customElements.get('parley-chat')) customElements.define('parley-chat', ParleyChat);
