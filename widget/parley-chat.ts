import { ParleyChat } from './parley-chat/parley-chat.component.ts';
import type { ParleyEventDetails } from './parley-chat/events.ts';

/** Defines <parley-chat>. The class itself (parley-chat/parley-chat.component.ts) has no side effects. */
export { ParleyChat };
export type { ParleyEventDetails, ParleyStateEventDetail } from './parley-chat/events.ts';
export type { Strings } from './i18n/catalogue.ts';

declare global {
  interface HTMLElementTagNameMap {
    'parley-chat': ParleyChat;
  }
  interface HTMLElementEventMap {
    'parley-open': CustomEvent<ParleyEventDetails['parley-open']>;
    'parley-close': CustomEvent<ParleyEventDetails['parley-close']>;
    'parley-message': CustomEvent<ParleyEventDetails['parley-message']>;
    'parley-state': CustomEvent<ParleyEventDetails['parley-state']>;
    'parley-unread': CustomEvent<ParleyEventDetails['parley-unread']>;
    'parley-error': CustomEvent<ParleyEventDetails['parley-error']>;
  }
}

// An embeddable widget may be loaded twice on one page (two script tags, two bundles).
if (!customElements.get('parley-chat')) customElements.define('parley-chat', ParleyChat);
