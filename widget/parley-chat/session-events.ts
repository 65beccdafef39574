import type { ChatMessage, EngineEvent, ErrorInfo, StateChange, UnreadCount } from '../../worker/api.ts';

/** What a session tells its element (widget/parley-chat/session.ts). */
export interface SessionEvents {
  message(message: ChatMessage, fresh: boolean): void;
  state(change: StateChange): void;
  error(error: ErrorInfo): void;
  /** The engine's read cursor or unread count changed (any tab). */
  unread?(count: UnreadCount): void;
  /** Another tab changed the draft. */
  draft?(text: string): void;
  /** This tab is the one to alert for a new message (worker/alerts.ts). */
  alert?(message: ChatMessage): void;
}

/**
 * Passes on the engine events that a session keeps nothing of (an error, the read cursor, the
 * draft, an alert) to its element, when they are about the session's `conversation`. The
 * element acts on them: the session only filters them.
 */
export function relay(event: EngineEvent, conversation: string | undefined, to: SessionEvents): void {
  switch (event.type) {
    case 'error':
      if (!event.conversation || event.conversation === conversation) to.error(event.error);
      return;
    case 'unread':
      if (event.conversation === conversation) to.unread?.({ read: event.read, unread: event.unread });
      return;
    case 'draft':
      if (event.conversation === conversation) to.draft?.(event.text);
      return;
    case 'alert':
      if (event.message.conversation === conversation) to.alert?.(event.message);
      return;
  }
}
