import type { ChatMessage, HistoryPage, MessageStatus } from './api.ts';
import type { ParleyDb } from './db.ts';

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
    if (typeof message.seq === 'number') {
      const cursors = tx.objectStore('cursors');
      const cursor = await cursors.get(message.conversation);
      if (!cursor || (cursor.seq as number) < message.seq)
        await cursors.put({ conversation: message.conversation, seq: message.seq });
    } else if (typeof message.seq === 'string' && message.seq) {
      // An archive id (XMPP MAM) is opaque and unordered: the newest message's id is the cursor.
      const cursors = tx.objectStore('cursors');
      const cursor = await cursors.get(message.conversation);
      if (!cursor || typeof cursor.seq !== 'string' || (cursor.ts ?? -Infinity) <= message.ts)
        await cursors.put({ conversation: message.conversation, seq: message.seq, ts: message.ts });
    }
    await tx.done;
    return !known;
  }

  async get(conversation: string, id: string): Promise<ChatMessage | undefined> {
    return (await this.db()).get('messages', [conversation, id]);
  }

  /** Applies `change` to a stored message; returns the new record, or undefined if it is gone. */
  async update(conversation: string, id: string, change: Partial<ChatMessage>): Promise<ChatMessage | undefined> {
    const db = await this.db();
    const tx = db.transaction('messages', 'readwrite');
    const current = await tx.store.get([conversation, id]);
    if (!current) return undefined;
    const next = { ...current, ...change };
    await tx.store.put(next);
    await tx.done;
    return next;
  }

  async setStatus(conversation: string, id: string, status: MessageStatus, error?: string) {
    return this.update(conversation, id, { status, error });
  }

  async delete(conversation: string, id: string): Promise<void> {
    await (await this.db()).delete('messages', [conversation, id]);
  }

  async cursor(conversation: string): Promise<number | string | undefined> {
    return (await (await this.db()).get('cursors', conversation))?.seq;
  }

  /** Newest first, strictly older than `before` (ms since the epoch). */
  async page(conversation: string, before = Infinity, limit = 50): Promise<HistoryPage> {
    const db = await this.db();
    const range = IDBKeyRange.bound([conversation, -Infinity], [conversation, before], false, true);
    const messages: ChatMessage[] = [];
    let cursor = await db.transaction('messages').store.index('by-conversation-ts').openCursor(range, 'prev');
    // Read one past the page to learn whether there is more.
    while (cursor && messages.length <= limit) {
      messages.push(cursor.value);
      cursor = await cursor.continue();
    }
    return { messages: messages.slice(0, limit), more: messages.length > limit };
  }
}
