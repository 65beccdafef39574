import type { ChatMessage, HistoryCursor, HistoryPage, MessageStatus } from './api.ts';
import type { IDBPObjectStore } from 'idb';
import type { ParleyDb, ParleySchema } from './db.ts';

/**
 * Moves a conversation's cursor forward. Numeric sequences only ever grow. An opaque id (an
 * XMPP archive id) cannot be compared, so the one of the newest message wins; one with no
 * time (the server said "caught up to here") wins outright.
 */
async function advance(
  cursors: IDBPObjectStore<ParleySchema, ('cursors' | 'messages')[] | ['cursors'], 'cursors', 'readwrite'>,
  conversation: string,
  seq: number | string,
  ts?: number,
): Promise<void> {
  const current = await cursors.get(conversation);
  if (typeof seq === 'number' && typeof current?.seq === 'number' && current.seq >= seq) return;
  if (typeof seq === 'string' && (!seq || (ts !== undefined && (current?.ts ?? -Infinity) > ts))) return;
  await cursors.put({ conversation, seq, ts });
}

/** Messages and sync cursors in IndexedDB, paged newest first, one record per client id. */
export class History {
  constructor(readonly db: () => Promise<ParleyDb>) {}

  /**
   * Stores a message from the server. Returns false for a duplicate (same client id): a resend,
   * an echo of our own message, or a sync that overlaps what we have.
   */
  async receive(message: ChatMessage): Promise<boolean> {
    const db = await this.db();
    const tx = db.transaction(['messages', 'cursors'], 'readwrite');
    const known = await tx.objectStore('messages').get([message.conversation, message.id]);
    if (!known) await tx.objectStore('messages').put(message);
    if (message.seq !== undefined) await advance(tx.objectStore('cursors'), message.conversation, message.seq, message.ts);
    await tx.done;
    return !known;
  }

  /** Records that the server has sent everything up to `seq`. */
  async advanceCursor(conversation: string, seq: number | string): Promise<void> {
    const db = await this.db();
    const tx = db.transaction('cursors', 'readwrite');
    await advance(tx.store, conversation, seq);
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
    error?: string,
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

  async cursor(conversation: string): Promise<number | string | undefined> {
    return (await (await this.db()).get('cursors', conversation))?.seq;
  }

  /** The server sequence (or archive id) of the oldest message that has one. */
  async oldestSeq(conversation: string): Promise<number | string | undefined> {
    const db = await this.db();
    const range = IDBKeyRange.bound([conversation, -Infinity], [conversation, Infinity]);
    let cursor = await db.transaction('messages').store.index('by-conversation-time').openCursor(range);
    while (cursor && cursor.value.seq === undefined) cursor = await cursor.continue();
    return cursor?.value.seq;
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
