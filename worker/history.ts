import type { ChatMessage, Cursor, ErrorInfo, HistoryCursor, HistoryPage, MessageStatus } from './api.ts';
import type { IDBPObjectStore } from 'idb';
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
   * Stores a message from the server. Returns false for a duplicate (same client id): a resend,
   * an echo of our own message, or a sync that overlaps what we have.
   */
  async receive(message: ChatMessage): Promise<boolean> {
    const fault = this.fault();
    if (fault) throw fault;
    const db = await this.db();
    const tx = db.transaction(['messages', 'cursors'], 'readwrite');
    const known = await tx.objectStore('messages').get([message.conversation, message.id]);
    if (!known) await tx.objectStore('messages').put(message);
    if (message.cursor) await advance(tx.objectStore('cursors'), message.conversation, message.cursor, message.ts);
    await tx.done;
    return !known;
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
    const tx = db.transaction('messages', 'readwrite');
    const current = await tx.store.get([conversation, id]);
    if (!current?.status || !from.includes(current.status)) return undefined;
    const next = { ...current, ...also, status: to, error };
    await tx.store.put(next);
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
    let cursor = await db.transaction('messages').store.index('by-conversation-time').openCursor(range);
    while (cursor && cursor.value.cursor === undefined) cursor = await cursor.continue();
    return cursor?.value.cursor;
  }

  /** Newest first, strictly before the message `before` (in time order, ties by id). */
  async page(conversation: string, before?: HistoryCursor, limit = 50): Promise<HistoryPage> {
    const db = await this.db();
    const upper = before ? [conversation, before.ts, before.id] : [conversation, Infinity];
    const range = IDBKeyRange.bound([conversation, -Infinity], upper, false, true);
    const messages: ChatMessage[] = [];
    let cursor = await db.transaction('messages').store.index('by-conversation-time').openCursor(range, 'prev');
    // Read one past the page to learn whether there is more.
    while (cursor && messages.length <= limit) {
      messages.push(cursor.value);
      cursor = await cursor.continue();
    }
    return { messages: messages.slice(0, limit), more: messages.length > limit, serverMore: false };
  }
}
