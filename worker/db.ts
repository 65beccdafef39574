import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ChatMessage } from './api.ts';

/** One IndexedDB database per engine name; the engine is its only writer. */
export interface ParleySchema extends DBSchema {
  /** Keyed by [conversation, id]: two users in one browser each keep their own copy. */
  messages: {
    key: [string, string];
    value: ChatMessage;
    indexes: { 'by-conversation-ts': [string, number] };
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

const VERSION = 1;

export function openParleyDb(name: string, onLost: () => void): Promise<ParleyDb> {
  return openDB<ParleySchema>(name, VERSION, {
    upgrade(db, oldVersion) {
      // Each step upgrades from the version before it, so an old database catches up in order.
      if (oldVersion < 1) {
        const messages = db.createObjectStore('messages', { keyPath: ['conversation', 'id'] });
        messages.createIndex('by-conversation-ts', ['conversation', 'ts']);
        const outbox = db.createObjectStore('outbox', { keyPath: 'order', autoIncrement: true });
        outbox.createIndex('by-id', 'id', { unique: true });
        outbox.createIndex('by-connection', 'connection');
        db.createObjectStore('cursors', { keyPath: 'conversation' });
        db.createObjectStore('meta');
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
