import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { Attachment, ChatMessage, Cursor } from './api.ts';
import { pendingOrder } from './order.ts';
import { repairStored } from './stored-message.ts';

/** One IndexedDB database per engine name; the engine is its only writer. */
export interface ParleySchema extends DBSchema {
  /** Keyed by [conversation, id]: two users in one browser each keep their own copy. */
  messages: {
    key: [string, string];
    value: StoredMessage;
    /**
     * `by-conversation-order`: the server's order (worker/order.ts), which pages use; the id
     * breaks ties, which a well-behaved server never makes.
     * `by-queue`: the outbox (worker/outbox.ts), per connection in send order; only records
     * with a `queue` field are in it.
     */
    indexes: {
      'by-conversation-order': [string, number, string];
      'by-queue': QueueKey;
    };
  };
  /** Per conversation: the newest server cursor seen, for sync after a reconnect. */
  cursors: {
    key: string;
    /** `ts` (ms): time of the message that set an archive cursor, to keep the newest. */
    value: { conversation: string; cursor: Cursor; ts?: number };
  };
  /** Stored records that no longer pass worker/stored-message.ts: kept for inspection, never shown. */
  quarantine: {
    key: number;
    value: { record: unknown; reason: string; at: number };
  };
  /** Per conversation: the order of the newest message the visitor has seen (worker/order.ts). */
  reads: {
    key: string;
    value: { conversation: string; order: number };
  };
  /** Per conversation: the composer's unsent text, shared by every tab. `at`: ms since the epoch. */
  drafts: {
    key: string;
    value: { conversation: string; text: string; at: number };
  };
  /** The files of own messages that wait in the outbox, by message id, until every one is uploaded. */
  uploads: {
    key: string;
    value: UploadRecord;
  };
  /** Small settings that outlive the engine, such as this browser profile's device id. */
  meta: {
    key: string;
    value: string;
  };
}

/**
 * A message record as stored. An own message waiting for the server's answer carries `queue`,
 * its place in the outbox: the outbox is an index over the records (version 5), so storing,
 * queueing and settling a message each write one record (docs/engine.md, "Batching").
 */
export interface StoredMessage extends ChatMessage {
  queue?: QueueKey;
}

/** [connection key, sequence]: the sequence grows with every message queued on the connection. */
export type QueueKey = [connection: string, seq: number];

/** The record without its place in the queue: what the tabs see, and what a message that leaves the queue stores. */
export function asMessage(record: StoredMessage): ChatMessage {
  if (!record.queue) return record;
  const { queue: _queue, ...message } = record;
  return message;
}

/** Every key of one connection's queue: [connection, any seq]; an array sorts after every number. */
export const queueOf = (connection: string): IDBKeyRange => IDBKeyRange.bound([connection], [connection, []]);

/**
 * An own message's files while they upload. `attachments[i]` describes `files[i]`; its `url`
 * is '' until that file is uploaded, so a restart uploads only what is missing.
 */
export interface UploadRecord {
  id: string;
  conversation: string;
  files: Blob[];
  attachments: Attachment[];
}

export type ParleyDb = IDBPDatabase<ParleySchema>;

export const DB_VERSION = 5;

export function openParleyDb(name: string, onLost: () => void): Promise<ParleyDb> {
  return openDB<ParleySchema>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      // Each step upgrades from the version before it, so an old database catches up in order.
      if (oldVersion < 1) {
        db.createObjectStore('messages', { keyPath: ['conversation', 'id'] });
        // Versions 1 to 4 kept the send queue in an `outbox` store; a new database starts
        // without it (upgradeTo5).
        db.createObjectStore('cursors', { keyPath: 'conversation' });
        db.createObjectStore('meta');
      }
      if (oldVersion < 2) {
        const messages = tx.objectStore('messages');
        // Version 1 indexed [conversation, ts]; equal times made page boundaries ambiguous.
        if ((messages.indexNames as DOMStringList).contains('by-conversation-ts'))
          messages.deleteIndex('by-conversation-ts' as never);
        // Time order, ties by id: what the version 3 upgrade reads, dropped at version 5.
        messages.createIndex('by-conversation-time' as never, ['conversation', 'ts', 'id']);
      }
      if (oldVersion < 4) {
        db.createObjectStore('reads', { keyPath: 'conversation' });
        db.createObjectStore('drafts', { keyPath: 'conversation' });
        db.createObjectStore('uploads', { keyPath: 'id' });
      }
      if (oldVersion < 5) tx.objectStore('messages').createIndex('by-queue', 'queue');
      // The steps that rewrite records run one after the other: version 3 rebuilds each record
      // from its known fields, which would drop a `queue` that version 5 had set.
      void (async () => {
        if (oldVersion < 3) await upgradeTo3(tx);
        if (oldVersion < 5) {
          await upgradeTo5(tx);
          // Nothing reads it after version 3, and every write of a message paid for it: about
          // a quarter of a batch of 1 000 puts, with the other two indexes.
          tx.objectStore('messages').deleteIndex('by-conversation-time' as never);
        }
      })();
    },
    // A newer widget in another context wants to upgrade: step aside instead of wedging it.
    blocking(_current, _next, event) {
      (event.target as IDBDatabase).close();
      onLost();
    },
    // The browser closed the database under us (storage cleared, quota): reopen on next use.
    terminated: onLost,
  });
}

type UpgradeTx = IDBPTransaction<ParleySchema, StoreNames<ParleySchema>[], 'versionchange'>;

/** The send queue before version 5: a store of its own, keyed by an auto-increment `order`. */
interface OldOutboxEntry {
  order: number;
  id: string;
  connection: string;
  conversation: string;
}

/**
 * Version 5: the outbox store becomes the `by-queue` index over the messages. Each entry's
 * message gets `queue` = [connection, order], so send order carries over; an entry whose
 * message is gone or already answered is dropped, as a drain pass would have dropped it.
 */
async function upgradeTo5(tx: UpgradeTx): Promise<void> {
  const db = tx.db as unknown as IDBPDatabase;
  if (!db.objectStoreNames.contains('outbox')) return;
  const entries = (await (tx as unknown as IDBPTransaction<unknown, ['outbox'], 'versionchange'>).objectStore('outbox').getAll()) as OldOutboxEntry[];
  const messages = tx.objectStore('messages');
  for (const { order, id, connection, conversation } of entries) {
    const message = await messages.get([conversation, id]);
    if (message && (message.status === 'queued' || message.status === 'sending')) await messages.put({ ...message, queue: [connection, order] });
  }
  db.deleteObjectStore('outbox');
}

/** Version 2 kept a bare `seq` (number or archive id); version 3 a typed Cursor. */
const asCursor = (seq: unknown): Cursor | undefined =>
  typeof seq === 'number' && Number.isFinite(seq)
    ? { kind: 'seq', seq }
    : typeof seq === 'string' && seq
      ? { kind: 'archive', id: seq }
      : undefined;

/**
 * Version 3: typed cursors, and every stored message checked again. A message stored before the
 * transports validated what they receive (a time of 1e20 once stopped the widget for good) is
 * repaired where it can be and quarantined where it cannot, so that history always renders.
 */
async function upgradeTo3(tx: UpgradeTx): Promise<void> {
  const quarantine = tx.db.createObjectStore('quarantine', { autoIncrement: true });
  tx.objectStore('messages').createIndex('by-conversation-order', ['conversation', 'order', 'id']);
  let cursors = await tx.objectStore('cursors').openCursor();
  while (cursors) {
    const old = cursors.value as unknown as { conversation: string; seq?: unknown; ts?: number };
    const cursor = asCursor(old.seq);
    if (cursor) await cursors.update({ conversation: old.conversation, cursor, ts: old.ts });
    else await cursors.delete();
    cursors = await cursors.continue();
  }
  // In time order, the best guess of the server's order that version 2 kept.
  let messages = await tx.objectStore('messages').index('by-conversation-time' as never).openCursor();
  const counters = new Map<string, number>();
  while (messages) {
    const { seq, ...rest } = messages.value as ChatMessage & { seq?: unknown };
    const cursor = rest.cursor ?? asCursor(seq);
    const unconfirmed = rest.status === 'queued' || rest.status === 'sending' || rest.status === 'failed';
    const next = (counters.get(rest.conversation) ?? 0) + 1;
    if (!unconfirmed && cursor?.kind !== 'seq') counters.set(rest.conversation, next);
    const order = unconfirmed ? pendingOrder(typeof rest.ts === 'number' && Number.isFinite(rest.ts) ? rest.ts : Date.now()) : cursor?.kind === 'seq' ? cursor.seq : next;
    const repaired = repairStored({ ...rest, cursor }, Date.now(), order);
    if (repaired.ok) await messages.update(repaired.message);
    else {
      await quarantine.add({ record: messages.value, reason: repaired.reason, at: Date.now() });
      await messages.delete();
    }
    messages = await messages.continue();
  }
}
