import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ChatMessage } from './api.ts';

/** One IndexedDB database per engine name; the engine is its only writer. */
export interface ParleySchema extends DBSchema {
  /** Keyed by [conversation, id]: two users in one browser each keep their own copy. */
  messages: {
    key: [string, string];
    value: ChatMessage;
    /** Time order; the id breaks ties, so that paging never skips messages of the same ms. */
    indexes: { 'by-conversation-time': [string, number, string] };
  };
  /** Send queue. The auto-increment key keeps send order across reloads. */
  outbox: {
    key: number;
    value: OutboxEntry;
    indexes: { 'by-id': string; 'by-connection': string };
  };
  /** Per conversation: the newest server sequence seen, for sync after a reconnect. */
  cursors: {
    key: string;
    /** `ts` (ms): time of the message that set a string `seq` (an archive id), to keep the newest. */
    value: { conversation: string; seq: number | string; ts?: number };
  };
  /** Small settings that outlive the engine, such as this browser profile's device id. */
  meta: {
    key: string;
    value: string;
  };
}

export interface OutboxEntry {
  order?: number;
  id: string;
  connection: string;
  conversation: string;
}

export type ParleyDb = IDBPDatabase<ParleySchema>;

export const DB_VERSION = 2;

export function openParleyDb(name: string, onLost: () => void): Promise<ParleyDb> {
  return openDB<ParleySchema>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      // Each step upgrades from the version before it, so an old database catches up in order.
      if (oldVersion < 1) {
        db.createObjectStore('messages', { keyPath: ['conversation', 'id'] });
        const outbox = db.createObjectStore('outbox', { keyPath: 'order', autoIncrement: true });
        outbox.createIndex('by-id', 'id', { unique: true });
        outbox.createIndex('by-connection', 'connection');
        db.createObjectStore('cursors', { keyPath: 'conversation' });
        db.createObjectStore('meta');
      }
      if (oldVersion < 2) {
        const messages = tx.objectStore('messages');
        // Version 1 indexed [conversation, ts]; equal times made page boundaries ambiguous.
        if ((messages.indexNames as DOMStringList).contains('by-conversation-ts'))
          messages.deleteIndex('by-conversation-ts' as never);
        messages.createIndex('by-conversation-time', ['conversation', 'ts', 'id']);
      }
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
