import type { ChatMessage, ErrorInfo, StateChange } from '../../worker/api.ts';

/** Each event's one detail object. All bubble and are composed (they leave the shadow root). */
export interface ParleyEventDetails {
  'parley-open': Record<string, never>;
  'parley-close': Record<string, never>;
  'parley-message': { message: ChatMessage };
  'parley-state': { change: StateChange };
  'parley-unread': { count: number };
  'parley-error': { error: ErrorInfo };
  'parley-alert': { message: ChatMessage };
}

// One name per detail, for the element's JSDoc (`@event {ParleyMessageDetail} parley-message`):
// the custom-elements manifest and the JSX types it makes import them by name.
export type ParleyOpenDetail = ParleyEventDetails['parley-open'];
export type ParleyCloseDetail = ParleyEventDetails['parley-close'];
export type ParleyMessageDetail = ParleyEventDetails['parley-message'];
export type ParleyStateEventDetail = ParleyEventDetails['parley-state'];
export type ParleyUnreadDetail = ParleyEventDetails['parley-unread'];
export type ParleyErrorDetail = ParleyEventDetails['parley-error'];
export type ParleyAlertDetail = ParleyEventDetails['parley-alert'];

export function fire<K extends keyof ParleyEventDetails>(target: EventTarget, type: K, detail: ParleyEventDetails[K]): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
