import type { ChatMessage, UnreadCount } from './api.ts';
import type { ParleyDb } from './db.ts';
import { ValidationError } from './errors.ts';
import { isPending, PENDING_BASE } from './order.ts';

/**
 * The count stops here, meaning "this many or more": every badge shows "99+" beyond 99, and a
 * count reads the messages it passes, in the store that inbound messages are written to.
 */
export const UNREAD_MAX = 100;

/** What a forward move of the cursor tells the caller. */

export interface ReadMove {
  /** The cursor moved. */
  moved: boolean;
  /** The newest others' message the move passed, if any: the one to send a read marker for. */
  marker?: ChatMessage;
}

/**
 * The visitor's read cursor per conversation, in the `reads` store (worker/db.ts): the `order`
 * (worker/order.ts) of the newest message seen, shared by every tab, and only ever moving
 * forward. Unread counts others' messages after it.
 */
export class ReadState {
  constructor(private readonly db: () => Promise<ParleyDb>) {}

  async cursor(conversation: string): Promise<number | undefined> {
    return (await (await this.db()).get('reads', conversation))?.order;
  }

  /**
   * Moves the cursor to `order` if that is forward. An own message the server has not placed
   * yet has no place to read up to (worker/order.ts), so a pending order is refused.
   */
  async advance(conversation: string, order: number): Promise<ReadMove> {
    if (typeof order !== 'number' || !Number.isFinite(order) || isPending(order))
      throw new ValidationError('bad-order', `A read position must be the order of a message the server has placed, not ${String(order)}.`);
    const db = await this.db();
    const tx = db.transaction(['reads', 'messages'], 'readwrite');
    const current = (await tx.objectStore('reads').get(conversation))?.order;
    if (current !== undefined && order <= current) {
      await tx.done;
      return { moved: false };
    }
    await tx.objectStore('reads').put({ conversation, order });
    // The newest others' message the cursor passed over: XEP-0333 `displayed` covers the rest.
    const passed = IDBKeyRange.bound([conversation, current ?? -Infinity], [conversation, order, []], true, false);
    let marker: ChatMessage | undefined;
    let row = await tx.objectStore('messages').index('by-conversation-order').openCursor(passed, 'prev');
    while (row && !marker) {
      if (!row.value.mine) marker = row.value;
      else row = await row.continue();
    }
    await tx.done;
    return { moved: true, marker };
  }

  /**
   * A conversation opened for the first time starts read up to what the server sent before it
   * joined: a visitor is not greeted by a badge for the whole backlog. Returns true if it set one.
   */
  async start(conversation: string): Promise<boolean> {
    const db = await this.db();
    const tx = db.transaction(['reads', 'messages'], 'readwrite');
    if (await tx.objectStore('reads').get(conversation)) return (await tx.done, false);
    // The newest confirmed order: pending own messages sit above every confirmed one.
    const confirmed = IDBKeyRange.bound([conversation, -Infinity], [conversation, PENDING_BASE], false, true);
    const row = await tx.objectStore('messages').index('by-conversation-order').openKeyCursor(confirmed, 'prev');
    await tx.objectStore('reads').put({ conversation, order: row ? (row.key[1] as number) : 0 });
    await tx.done;
    return true;
  }

  /**
   * The cursor and the number of others' messages after it, up to UNREAD_MAX. Before the
   * conversation's first join has set a cursor (`start`), nothing is unread: what is stored
   * then is the backlog.
   */
  async count(conversation: string): Promise<UnreadCount> {
    return (await this.counted(conversation)) ?? { read: 0, unread: 0 };
  }

  /** As count(), but undefined before the first join has set a cursor. */
  async counted(conversation: string): Promise<UnreadCount | undefined> {
    const db = await this.db();
    const tx = db.transaction(['reads', 'messages']);
    const record = await tx.objectStore('reads').get(conversation);
    if (!record) return (await tx.done, undefined);
    const { order: read } = record;
    // advance() never stores a pending order; were one stored, no placed message would sort after it.
    if (read >= PENDING_BASE) return (await tx.done, { read, unread: 0 });
    // Own messages the server has not placed (PENDING_BASE and above) are never unread: a
    // drain of a long outbox must not walk them all, holding the store its acks write to.
    // The rest is read a page at a time, one request each, not one per message.
    const index = tx.objectStore('messages').index('by-conversation-order');
    let from: IDBValidKey = [conversation, read, []];
    let unread = 0;
    for (;;) {
      const page = await index.getAll(IDBKeyRange.bound(from, [conversation, PENDING_BASE], true, true), UNREAD_MAX);
      for (const message of page) if (!message.mine && unread < UNREAD_MAX) unread += 1;
      const last = page.at(-1);
      if (!last || page.length < UNREAD_MAX || unread >= UNREAD_MAX) break;
      from = [conversation, last.order, last.id];
    }
    await tx.done;
    return { read, unread };
  }
}
