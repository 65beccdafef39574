/**
 * Where a message goes in the server's order (worker/order.ts), looked up inside a History
 * transaction: one message at a time (placeOf), many in one batch (Places), and the own
 * messages a confirmation must place before it (placeEarlierOwn).
 */
import type { ChatMessage, MessageStatus } from './api.ts';
import type { IDBPTransaction } from 'idb';
import { isPending, PENDING_BASE, type Place } from './order.ts';
import type { ParleySchema } from './db.ts';

export type Tx = IDBPTransaction<ParleySchema, ('messages' | 'cursors')[], 'readwrite'>;

/**
 * Gives a place, before `message`'s, to the own messages written before it that still wait for
 * theirs. The outbox sends a room's messages in written order, so the server got them first;
 * but where the place comes from the order of confirmations (no sequence number), a peer's
 * receipt or read marker for a later message (XEP-0184, XEP-0333) can overtake their acks, or a
 * dropped link can delay them, and they would land after it. Their status does not change.
 * `moved` holds records this transaction changed already (a batch of acks), which win over
 * what the index still says.
 */
export async function placeEarlierOwn(
  message: ChatMessage,
  place: (m: ChatMessage) => Promise<number>,
  tx: Tx,
  moved?: Map<string, ChatMessage>,
): Promise<void> {
  const { conversation } = message;
  const store = tx.objectStore('messages');
  const earlier = IDBKeyRange.bound([conversation, PENDING_BASE], [conversation, message.order, message.id], false, true);
  const waiting = (await store.index('by-conversation-order').getAll(earlier))
    .map((m) => moved?.get(m.id) ?? m)
    .filter((m) => m.mine && isPending(m.order) && (m.status === 'queued' || m.status === 'sending'));
  for (const m of waiting) {
    const placed = { ...m, order: await place(m) };
    moved?.set(m.id, placed);
    store.put(placed).catch(quiet);
  }
}

/** The message's place in the server's order: see worker/order.ts. */
export async function placeOf(tx: Tx, message: Pick<ChatMessage, 'conversation' | 'cursor'>, place: Place): Promise<number> {
  if (message.cursor?.kind === 'seq') return message.cursor.seq;
  const { conversation } = message;
  const confirmed = IDBKeyRange.bound([conversation, -Infinity], [conversation, PENDING_BASE], false, true);
  const edge = await tx.objectStore('messages').index('by-conversation-order').openKeyCursor(confirmed, place === 'newest' ? 'prev' : 'next');
  const order = edge ? (edge.key[1] as number) : 0;
  return place === 'newest' ? order + 1 : order - 1;
}

/** A write issued without waiting: its failure aborts the transaction, which `tx.done` reports. */
export const quiet = (): undefined => undefined;

/** Statuses that mean the server has the message: it takes its place in the server's order. */
export const CONFIRMED = new Set<MessageStatus>(['sent', 'delivered', 'read']);

/**
 * placeOf() for many messages in one transaction: each conversation's edges are looked up once
 * and then kept here, as each message placed moves them.
 */
export class Places {
  /** conversation → [oldest, newest] confirmed order known in this transaction. */
  readonly #edges = new Map<string, { oldest?: number; newest?: number }>();

  constructor(readonly tx: Tx) {}

  async of(message: Pick<ChatMessage, 'conversation' | 'cursor'>, place: Place): Promise<number> {
    const edges = this.#edges.get(message.conversation) ?? {};
    this.#edges.set(message.conversation, edges);
    let order: number;
    if (message.cursor?.kind === 'seq') order = message.cursor.seq;
    else {
      const edge = (edges[place] ??= await edgeOf(this.tx, message.conversation, place));
      order = place === 'newest' ? edge + 1 : edge - 1;
    }
    // What this message changes about the edges, for the next one (a seq as much as a count).
    if (edges.newest !== undefined) edges.newest = Math.max(edges.newest, order);
    if (edges.oldest !== undefined) edges.oldest = Math.min(edges.oldest, order);
    return order;
  }
}

/** The order of the newest (or oldest) confirmed message of a conversation; 0 if it has none. */
export async function edgeOf(tx: Tx, conversation: string, place: Place): Promise<number> {
  const confirmed = IDBKeyRange.bound([conversation, -Infinity], [conversation, PENDING_BASE], false, true);
  const store = tx.objectStore('messages');
  const edge = await store.index('by-conversation-order').openKeyCursor(confirmed, place === 'newest' ? 'prev' : 'next');
  return edge ? (edge.key[1] as number) : 0;
}
