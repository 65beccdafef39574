import type { ChatMessage, Cursor, ErrorInfo, HistoryCursor, HistoryPage, MessageStatus } from './api.ts';
import { isPending, type Place } from './order.ts';
import type { ParleyDb, StoredMessage } from './db.ts';
import { type Arrival, moveQueued, type QueuedMove, type QueuedMoved, receiveMany } from './history-batch.ts';
import { CONFIRMED, EarlierOwn, Places } from './history-places.ts';
import { advance } from './sync-cursor.ts';

/**
 * Fails the next writes of one kind, for tests of storage faults (a full disk): see
 * EngineDeps.storageFault. `write` says which: an add to the outbox, inbound messages, an
 * answer's settle, a cancel's delete.
 */
export type StorageFault = (write: StorageWrite) => Error | undefined;
export type StorageWrite = 'add' | 'inbound' | 'settle' | 'delete';

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
    const [shown] = await this.receiveMany([{ message, place }]);
    return shown;
  }

  /** Stores messages that arrived together in one transaction: see receiveMany in worker/history-batch.ts. */
  async receiveMany(
    arrivals: readonly Arrival[],
    placed: (shown: readonly (ChatMessage | undefined)[], newest: ReadonlyMap<string, number>) => void = () => undefined,
    edges: readonly string[] = [],
    /** Called once the transaction exists: what is read from now on sees this batch stored. */
    begun: () => void = () => undefined,
  ): Promise<(ChatMessage | undefined)[]> {
    const fault = this.fault('inbound');
    if (fault) throw fault;
    return receiveMany(await this.db(), arrivals, placed, edges, begun);
  }

  /** Records that the server has sent everything up to `cursor`. */
  async advanceCursor(conversation: string, cursor: Cursor): Promise<void> {
    const db = await this.db();
    const tx = db.transaction('cursors', 'readwrite');
    await advance(tx.store, conversation, cursor);
    await tx.done;
  }

  async get(conversation: string, id: string): Promise<StoredMessage | undefined> {
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
    if (CONFIRMED.has(to) && isPending(current.order)) {
      const places = new Places(tx);
      if (next.cursor?.kind !== 'seq') await new EarlierOwn(tx, places, new Map(), [current]).before(current);
      next.order = await places.of(next, 'newest');
    }
    await messages.put(next);
    await tx.done;
    return next;
  }

  /** Moves queued own messages along the status table, out of the queue: see moveQueued in worker/history-batch.ts. */
  async moveQueued(connection: string, moves: readonly QueuedMove[], issued?: (done: readonly QueuedMoved[]) => void): Promise<QueuedMoved[]> {
    return moveQueued(await this.db(), connection, moves, issued, () => this.fault('settle'));
  }

  /**
   * Deletes message `id` with its files' Blobs (the `uploads` record, if any), in one
   * transaction: if it fails, both stay, and the message is still whole in the queue.
   */
  async delete(conversation: string, id: string): Promise<void> {
    const fault = this.fault('delete');
    if (fault) throw fault;
    const tx = (await this.db()).transaction(['messages', 'uploads'], 'readwrite');
    // A request that fails aborts the transaction, which `tx.done` reports.
    tx.objectStore('messages').delete([conversation, id]).catch(() => undefined);
    tx.objectStore('uploads').delete(id).catch(() => undefined);
    await tx.done;
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
    const index = db.transaction('messages').store.index('by-conversation-order');
    // Three requests, not one per message (each is a round trip to the browser's storage):
    // a key cursor from the newest jumps to the one past the page, which bounds one getAll.
    let edge = await index.openKeyCursor(range, 'prev');
    if (edge && limit > 0) edge = await edge.advance(limit);
    const page = edge ? IDBKeyRange.bound(edge.key, upper, true, true) : range;
    const messages = (await index.getAll(page)).reverse();
    return { messages: messages.slice(0, limit), more: edge !== null, serverMore: false };
  }
}
