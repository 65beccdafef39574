import type { MessageStatus } from './api.ts';

/**
 * The one transition table of an own message's status, shared by the engine (which stores a
 * status only along these edges, in one transaction: worker/history.ts) and the widget
 * (which ignores a report that would move a message backwards).
 *
 *   queued ─▶ sending ─▶ sent ─▶ delivered ─▶ read
 *     ▲  ╲       │  ╲      ▲ ╲___________________▲
 *     │   ╲      ▼   ╲     │
 *     └─── failed ◀───┘────┘  (an ack that arrives after a refusal still wins)
 *            ▲               │
 *            └───────────────┘  (a bounce after the ack: `sent → failed`)
 *
 * A server may accept a message and bounce it later: XMPP's stream management acks a stanza the
 * server has handled, and a remote server's error (RFC 6120 §8.3) can follow it. So `sent` may
 * still become `failed`; `delivered` and `read` may not, since a peer has shown it by then.
 * `sending` goes back to `queued` when the link drops before the ack: the outbox resends it.
 * Every move forward may skip steps: the engine stores no `sending` for a message on the wire
 * (worker/outbox-drain.ts), so its ack moves it from `queued`; and a peer's
 * receipt (XEP-0184) may overtake the server's ack (XEP-0198), so `sending` may go straight
 * to `delivered`. Nothing moves back but `sending → queued` and Retry's `failed → queued`.
 */
const NEXT: Record<MessageStatus, readonly MessageStatus[]> = {
  queued: ['sending', 'sent', 'delivered', 'read', 'failed'],
  sending: ['queued', 'sent', 'delivered', 'read', 'failed'],
  sent: ['delivered', 'read', 'failed'],
  delivered: ['read'],
  read: [],
  failed: ['queued', 'sent', 'delivered', 'read'],
};

export const canMove = (from: MessageStatus, to: MessageStatus): boolean => NEXT[from].includes(to);

/** The statuses from which `to` may be reached in one step. */
export const sourcesOf = (to: MessageStatus): MessageStatus[] =>
  (Object.keys(NEXT) as MessageStatus[]).filter((from) => canMove(from, to));
