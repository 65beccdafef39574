import { ParleyChat } from './parley-chat/parley-chat.component.ts';
import type { ParleyEventDetails } from './parley-chat/events.ts';

/**
 * The element class and its typed events, with no side effect: widget/index.ts defines
 * <parley-chat>; widget/element.ts is the package entry that defines nothing.
 */
export { ParleyChat };
export type {
  ParleyAlertDetail,
  ParleyCloseDetail,
  ParleyErrorDetail,
  ParleyEventDetails,
  ParleyMessageDetail,
  ParleyOpenDetail,
  ParleyStateEventDetail,
  ParleyUnreadDetail,
} from './parley-chat/events.ts';
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
    'parley-alert': CustomEvent<ParleyEventDetails['parley-alert']>;
  }
}

