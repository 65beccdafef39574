/**
 * One order for everyone. Each stored message has an `order`, its place in the server's order
 * of the conversation, so that two clients show one conversation alike and messages of the same
 * millisecond never shuffle:
 * - the relay's sequence number where the protocol has one (worker/transports/json/wire.ts);
 * - elsewhere, the order in which the server delivered them to this engine (MQTT, XMPP), one
 *   after the newest, or one before the oldest for a page of older history.
 * An own message the server has not confirmed yet has a pending order, `PENDING_BASE + ts`:
 * after every confirmed one, in the order it was written. The ack (or the server's echo of it)
 * gives it its place.
 */
export const PENDING_BASE = 2 ** 52;

export const pendingOrder = (ts: number): number => PENDING_BASE + ts;

export const isPending = (order: number | undefined): boolean => order === undefined || order >= PENDING_BASE;

/** Where a message from the server goes: after the newest (live, catch-up) or before the oldest (an older page). */
export type Place = 'newest' | 'oldest';
