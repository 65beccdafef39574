/**
 * Where a message goes in the server's order (worker/order.ts), looked up inside a History
 * transaction (Places), and the own messages a confirmation must place before it (EarlierOwn).
 */
import type { ChatMessage, MessageStatus } from './api.ts';
import type { IDBPTransaction } from 'idb';
import { isPending, PENDING_BASE, type Place } from './order.ts';
import type { ParleySchema } from './db.ts';
import { issuePut } from './issue-put.ts';

export type Tx = IDBPTransaction<ParleySchema, ('messages' | 'cursors')[], 'readwrite'>;

/**
 * Gives a place, before a confirmed message's, to the own messages written before it that still
 * wait for theirs. The outbox sends a room's messages in written order, so the server got them
 * first; but where the place comes from the order of confirmations (no sequence number), a
 * peer's receipt or read marker for a later message (XEP-0184, XEP-0333) can overtake their
 * acks, or a dropped link can delay them, and they would land after it. Their status does not
 * change. For a batch of confirmations in one transaction: each conversation's waiting
 * messages are read once, up to the newest the batch confirms, and walked in order as the
 * batch goes (one read per confirmation would read the batch's earlier messages again each
 * time: n²/2 records for a drain of n). `moved` holds the records this transaction changed
 * already, which win over what was read.
 */
export class EarlierOwn {
  /** conversation → its own messages waiting for a place, in order, and how far the batch has walked. */
  readonly #waiting = new Map<string, { records: ChatMessage[]; next: number }>();

  constructor(
    readonly tx: Tx,
    readonly places: Places,
    readonly moved: Map<string, ChatMessage>,
    /** What the batch will confirm: the reads stop at the newest of each conversation. */
    readonly confirming: readonly ChatMessage[],
  ) {}

  /** Places the waiting own messages before `message` (as stored before its confirmation). */
  async before(message: ChatMessage): Promise<void> {
    const waiting = this.#waiting.get(message.conversation) ?? (await this.#read(message.conversation));
    const { records } = waiting;
    while (waiting.next < records.length && keyBefore(records[waiting.next]!, message)) {
      const m = this.moved.get(records[waiting.next]!.id) ?? records[waiting.next]!;
      waiting.next++;
      if (!m.mine || !isPending(m.order) || (m.status !== 'queued' && m.status !== 'sending')) continue;
      const placed = { ...m, order: await this.places.of(m, 'newest') };
      this.moved.set(m.id, placed);
      issuePut(this.tx.objectStore('messages'), placed);
    }
  }

  async #read(conversation: string): Promise<{ records: ChatMessage[]; next: number }> {
    let newest: ChatMessage | undefined;
    for (const m of this.confirming) if (m.conversation === conversation && (!newest || keyBefore(newest, m))) newest = m;
    const upper = newest ? [conversation, newest.order, newest.id] : [conversation, Infinity];
    const range = IDBKeyRange.bound([conversation, PENDING_BASE], upper, false, true);
    const waiting = { records: await this.tx.objectStore('messages').index('by-conversation-order').getAll(range), next: 0 };
    this.#waiting.set(conversation, waiting);
    return waiting;
  }
}

/** `a` sorts before `b` in a conversation's order index ([order, id]). */
const keyBefore = (a: ChatMessage, b: ChatMessage): boolean => a.order < b.order || (a.order === b.order && a.id < b.id);

/** Statuses that mean the server has the message: it takes its place in the server's order. */
export const CONFIRMED = new Set<MessageStatus>(['sent', 'delivered', 'read']);

/**
 * The places of messages stored in one transaction: each conversation's edges are looked up once
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
