import type { ChatMessage, Cursor, ErrorInfo, HistoryCursor, HistoryPage, MessageStatus } from './api.ts';
import type { IDBPObjectStore, IDBPTransaction } from 'idb';
import { isPending, PENDING_BASE, type Place } from './order.ts';
import type { ParleyDb, ParleySchema } from './db.ts';

/** Fails the next writes, for tests of storage faults (a full disk): see EngineDeps.storageFault. */
export type StorageFault = () => Error | undefined;

/**
 * Moves a conversation's cursor forward. A relay sequence only ever grows. An archive id
 * (XEP-0313) cannot be compared, so the one of the newest message wins; one with no time
 * (the server said "caught up to here") wins outright.
 */
async function advance(
  cursors: IDBPObjectStore<ParleySchema, ('cursors' | 'messages')[] | ['cursors'], 'cursors', 'readwrite'>,
  conversation: string,
  cursor: Cursor,
  ts?: number,
): Promise<void> {
  const current = await cursors.get(conversation);
  if (cursor.kind === 'seq' && current?.cursor.kind === 'seq' && current.cursor.seq >= cursor.seq) return;
  if (cursor.kind === 'archive' && (!cursor.id || (ts !== undefined && (current?.ts ?? -Infinity) > ts))) return;
  await cursors.put({ conversation, cursor, ts });
}

/** Messages and sync cursors in IndexedDB, paged newest first, one record per client id. */
export class History {
  constructor(
    readonly db: () => Promise<ParleyDb>,
    readonly fault: StorageFault = () => undefined,
  ) {}

  /**
   * Stores a message from the server, in its place in the server's order (worker/order.ts).
   * Returns what to show: the new record; our own message, placed by its echo; or nothing for
   * a duplicate (a resend, or a sync that overlaps what we have).
   */
  async receive(message: Omit<ChatMessage, 'order'>, place: Place = 'newest'): Promise<ChatMessage | undefined> {
    const fault = this.fault();
    if (fault) throw fault;
    const db = await this.db();
    const tx = db.transaction(['messages', 'cursors'], 'readwrite');
    const messages = tx.objectStore('messages');
    const known = await messages.get([message.conversation, message.id]);
    let shown: ChatMessage | undefined;
    if (!known) shown = { ...message, order: await placeOf(tx, message, place) };
    // The server's echo of our own message is its place in the server's order.
    else if (isPending(known.order) && known.mine) shown = { ...known, order: await placeOf(tx, message, place) };
    if (shown) await messages.put(shown);
    if (message.cursor) await advance(tx.objectStore('cursors'), message.conversation, message.cursor, message.ts);
    await tx.done;
    return shown;
  }

  /** Records that the server has sent everything up to `cursor`. */
  async advanceCursor(conversation: string, cursor: Cursor): Promise<void> {
    const db = await this.db();
    const tx = db.transaction('cursors', 'readwrite');
    await advance(tx.store, conversation, cursor);
    await tx.done;
  }

  async get(conversation: string, id: string): Promise<ChatMessage | undefined> {
    return (await this.db()).get('messages', [conversation, id]);
  }

  /**
   * Sets the status (and `also`, such as the server's seq) only if the message is in one of
   * `from`, in one transaction, so that racing updates cannot move it backwards (a late
   * `sending` over `sent`).
   */
  async transition(
    conversation: string,
    id: string,
    from: MessageStatus[],
    to: MessageStatus,
    error?: ErrorInfo,
    also: Partial<ChatMessage> = {},
  ) {
    const db = await this.db();
    const tx = db.transaction(['messages', 'cursors'], 'readwrite');
    const messages = tx.objectStore('messages');
    const current = await messages.get([conversation, id]);
    if (!current?.status || !from.includes(current.status)) return undefined;
    const next = { ...current, ...also, status: to, error };
    // The server confirmed it (an ack, or a receipt that overtook the ack): it takes its place
    // in the server's order (worker/order.ts).
    if ((to === 'sent' || to === 'delivered' || to === 'read') && isPending(current.order)) {
      if (next.cursor?.kind !== 'seq') await placeEarlierOwn(tx, current);
      next.order = await placeOf(tx, next, 'newest');
    }
    await messages.put(next);
    await tx.done;
    return next;
  }

  async delete(conversation: string, id: string): Promise<void> {
    await (await this.db()).delete('messages', [conversation, id]);
  }

  async cursor(conversation: string): Promise<Cursor | undefined> {
    return (await (await this.db()).get('cursors', conversation))?.cursor;
  }

  /** The server cursor of the oldest message that has one: where paging back starts. */
  async oldestCursor(conversation: string): Promise<Cursor | undefined> {
    const db = await this.db();
    const range = IDBKeyRange.bound([conversation, -Infinity], [conversation, Infinity]);
    let cursor = await db.transaction('messages').store.index('by-conversation-order').openCursor(range);
    while (cursor && cursor.value.cursor === undefined) cursor = await cursor.continue();
    return cursor?.value.cursor;
  }

  /** Newest first in the server's order, strictly before `before`; own unconfirmed ones come first. */
  async page(conversation: string, before?: HistoryCursor, limit = 50): Promise<HistoryPage> {
    const db = await this.db();
    const upper = before ? [conversation, before.order, before.id] : [conversation, Infinity];
    const range = IDBKeyRange.bound([conversation, -Infinity], upper, false, true);
    const messages: ChatMessage[] = [];
    let cursor = await db.transaction('messages').store.index('by-conversation-order').openCursor(range, 'prev');
    // Read one past the page to learn whether there is more.
    while (cursor && messages.length <= limit) {
      messages.push(cursor.value);
      cursor = await cursor.continue();
    }
    return { messages: messages.slice(0, limit), more: messages.length > limit, serverMore: false };
  }
}

type Tx = IDBPTransaction<ParleySchema, ('messages' | 'cursors')[], 'readwrite'>;

/**
 * Gives a place, before `message`'s, to the own messages written before it that still wait for
 * theirs. The outbox sends a room's messages in written order, so the server got them first;
 * but where the place comes from the order of confirmations (no sequence number), a peer's
 * receipt or read marker for a later message (XEP-0184, XEP-0333) can overtake their acks, or a
 * dropped link can delay them, and they would land after it. Their status does not change.
 */
async function placeEarlierOwn(tx: Tx, message: ChatMessage): Promise<void> {
  const { conversation } = message;
  const earlier = IDBKeyRange.bound([conversation, PENDING_BASE], [conversation, message.order, message.id], false, true);
  const waiting = (await tx.objectStore('messages').index('by-conversation-order').getAll(earlier)).filter(
    (m) => m.mine && (m.status === 'queued' || m.status === 'sending'),
  );
  for (const m of waiting) await tx.objectStore('messages').put({ ...m, order: await placeOf(tx, m, 'newest') });
}

/** The message's place in the server's order: see worker/order.ts. */
async function placeOf(tx: Tx, message: Pick<ChatMessage, 'conversation' | 'cursor'>, place: Place): Promise<number> {
  if (message.cursor?.kind === 'seq') return message.cursor.seq;
  const { conversation } = message;
  const confirmed = IDBKeyRange.bound([conversation, -Infinity], [conversation, PENDING_BASE], false, true);
  const edge = await tx.objectStore('messages').index('by-conversation-order').openKeyCursor(confirmed, place === 'newest' ? 'prev' : 'next');
  const order = edge ? (edge.key[1] as number) : 0;
  return place === 'newest' ? order + 1 : order - 1;
}
