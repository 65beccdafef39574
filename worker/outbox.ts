import type { ChatMessage } from './api.ts';
import type { OutboxEntry, ParleyDb, UploadRecord } from './db.ts';
import { ValidationError } from './errors.ts';

/**
 * The durable send queue. A message is written here, in the same transaction as its history
 * record, before any byte goes out; it leaves only when the server acknowledges its id.
 */
export class Outbox {
  constructor(
    readonly db: () => Promise<ParleyDb>,
    readonly limit: number,
  ) {}

  /**
   * Stores the message and queues it, atomically, with its files' Blobs if it has any
   * (worker/uploads/uploader.ts). Rejects, dropping nothing, when full.
   */
  async add(message: ChatMessage, connection: string, upload?: UploadRecord): Promise<void> {
    const db = await this.db();
    const stores: ('messages' | 'outbox' | 'uploads')[] = upload ? ['messages', 'outbox', 'uploads'] : ['messages', 'outbox'];
    const tx = db.transaction(stores, 'readwrite');
    const queued = await tx.objectStore('outbox').index('by-connection').count(connection);
    if (queued >= this.limit) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new ValidationError(
        'outbox-full',
        `${queued} messages are still waiting to be sent. Wait for the connection, or cancel some.`,
      );
    }
    await tx.objectStore('messages').put(message);
    await tx.objectStore('outbox').add({ id: message.id, connection, conversation: message.conversation });
    if (upload) await tx.objectStore('uploads').put(upload);
    await tx.done;
  }

  /** Queued entries of one connection, oldest first. */
  async pending(connection: string): Promise<OutboxEntry[]> {
    const db = await this.db();
    return db.getAllFromIndex('outbox', 'by-connection', connection);
  }

  /** The queued entry of message `id`, if it is queued. */
  async get(id: string): Promise<OutboxEntry | undefined> {
    const db = await this.db();
    return db.getFromIndex('outbox', 'by-id', id);
  }

  async has(id: string): Promise<boolean> {
    const db = await this.db();
    return (await db.getKeyFromIndex('outbox', 'by-id', id)) !== undefined;
  }

  /**
   * Puts a `failed` message back in the queue as `queued`, in one transaction, so that a
   * double click or a drain running meanwhile sees either before or after. Returns the message
   * as queued, or undefined if it was not `failed`.
   */
  async requeue(conversation: string, id: string, connection: string): Promise<ChatMessage | undefined> {
    const db = await this.db();
    const tx = db.transaction(['messages', 'outbox'], 'readwrite');
    const message = await tx.objectStore('messages').get([conversation, id]);
    if (message?.status !== 'failed') return undefined;
    const queued: ChatMessage = { ...message, status: 'queued', error: undefined };
    await tx.objectStore('messages').put(queued);
    if ((await tx.objectStore('outbox').index('by-id').getKey(id)) === undefined)
      await tx.objectStore('outbox').add({ id, connection, conversation });
    await tx.done;
    return queued;
  }

  /** Takes the message out of the queue; returns its entry, or undefined if it was not queued. */
  async remove(id: string): Promise<OutboxEntry | undefined> {
    const db = await this.db();
    const tx = db.transaction('outbox', 'readwrite');
    const entry = await tx.store.index('by-id').get(id);
    if (entry?.order !== undefined) await tx.store.delete(entry.order);
    await tx.done;
    return entry;
  }
}
