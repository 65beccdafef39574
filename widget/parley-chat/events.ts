import type { ChatMessage, ErrorInfo, StateChange } from '../../worker/api.ts';

/** Each event's one detail object. All bubble and are composed (they leave the shadow root). */
export interface ParleyEventDetails {
  'parley-open': Record<string, never>;
  'parley-close': Record<string, never>;
  'parley-message': { message: ChatMessage };
  'parley-state': { change: StateChange };
  'parley-unread': { count: number };
  'parley-error': { error: ErrorInfo };
}

export type ParleyStateEventDetail = ParleyEventDetails['parley-state'];

export function fire<K extends keyof ParleyEventDetails>(target: EventTarget, type: K, detail: ParleyEventDetails[K]): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
