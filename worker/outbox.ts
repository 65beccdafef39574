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
   * (worker/uploads/uploader.ts). Rejects, dropping nothing, when full. Adds that arrive while
   * a write is under way go together in the next transaction (one commit for a burst of sends,
   * in call order); each still succeeds or fails on its own count.
   */
  add(message: ChatMessage, connection: string, upload?: UploadRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#adds.push({ message, connection, upload, resolve, reject });
      if (this.#adds.length === 1 && !this.#adding) void this.#writeAdds();
    });
  }

  /** Adds waiting for the next transaction, in call order. */
  #adds: PendingAdd[] = [];
  #adding = false;

  async #writeAdds(): Promise<void> {
    this.#adding = true;
    while (this.#adds.length) {
      const batch = this.#adds;
      this.#adds = [];
      if (!(await this.#writeAll(batch))) await this.#writeCounted(batch);
    }
    this.#adding = false;
  }

  /**
   * The usual case in one round trip: counts and writes issued together, the counts answered
   * first (they were asked first). If a connection would pass its bound, nothing is written
   * (the transaction aborts) and the batch goes one by one instead: false.
   */
  async #writeAll(batch: PendingAdd[]): Promise<boolean> {
    try {
      const db = await this.db();
      const tx = db.transaction(storesOf(batch), 'readwrite');
      const outbox = tx.objectStore('outbox');
      const adding = new Map<string, number>();
      for (const { connection } of batch) adding.set(connection, (adding.get(connection) ?? 0) + 1);
      const counts = Promise.all([...adding].map(async ([connection, n]) => (await outbox.index('by-connection').count(connection)) + n <= this.limit));
      for (const { message, connection, upload } of batch) {
        tx.objectStore('messages').put(message).catch(quiet);
        outbox.add({ id: message.id, connection, conversation: message.conversation }).catch(quiet);
        if (upload) tx.objectStore('uploads').put(upload).catch(quiet);
      }
      if (!(await counts).every(Boolean)) {
        tx.abort();
        await tx.done.catch(quiet);
        return false;
      }
      await tx.done;
      for (const add of batch) this.#added(add);
    } catch (e) {
      for (const add of batch) add.reject(e);
    }
    return true;
  }

  #added(add: PendingAdd): void {
    if (!add.upload) this.#fresh.set(add.message.id, add.message);
    add.resolve();
  }

  /** One by one against the bound: each add is refused alone if its connection is full. */
  async #writeCounted(batch: PendingAdd[]): Promise<void> {
    const accepted: PendingAdd[] = [];
    try {
      const db = await this.db();
      const tx = db.transaction(storesOf(batch), 'readwrite');
      const counts = new Map<string, number>();
      for (const add of batch) {
        let queued = counts.get(add.connection);
        if (queued === undefined) queued = await tx.objectStore('outbox').index('by-connection').count(add.connection);
        if (queued >= this.limit) {
          add.reject(
            new ValidationError('outbox-full', `${queued} messages are still waiting to be sent. Wait for the connection, or cancel some.`),
          );
          counts.set(add.connection, queued);
          continue;
        }
        counts.set(add.connection, queued + 1);
        tx.objectStore('messages').put(add.message).catch(quiet);
        tx.objectStore('outbox').add({ id: add.message.id, connection: add.connection, conversation: add.message.conversation }).catch(quiet);
        if (add.upload) tx.objectStore('uploads').put(add.upload).catch(quiet);
        accepted.push(add);
      }
      await tx.done;
      for (const add of accepted) this.#added(add);
    } catch (e) {
      // The database did not open, or the transaction aborted: none of this batch is stored.
      // (Those refused as over the bound are settled already; a second reject is a no-op.)
      for (const add of batch) add.reject(e);
    }
  }

  /** Queued entries of one connection, oldest first. */
  async pending(connection: string): Promise<OutboxEntry[]> {
    const db = await this.db();
    return db.getAllFromIndex('outbox', 'by-connection', connection);
  }

  /**
   * A drain pass's read: the connection's queue, oldest first, each entry with its stored
   * message (not read for entries `skip` names: in flight already). Read-only, so that nothing
   * waits for a commit before the pass sends; a message added by this engine and not sent yet
   * comes from memory (see #fresh), so the usual send costs one read.
   */
  async queue(connection: string, skip: (id: string) => boolean): Promise<Queued[]> {
    const db = await this.db();
    const tx = db.transaction(['outbox', 'messages']);
    const messages = tx.objectStore('messages');
    const entries = (await tx.objectStore('outbox').index('by-connection').getAll(connection)).filter((entry) => !skip(entry.id));
    const stored = await Promise.all(entries.map((entry) => this.#fresh.get(entry.id) ?? messages.get([entry.conversation, entry.id])));
    return entries.map((entry, i) => ({ entry, message: stored[i] }));
  }

  /**
   * After a drain pass: the messages it sent are no longer fresh, and the entries `drop` names
   * leave the queue if their message is still gone or settled (a Retry meanwhile keeps it), in
   * one transaction. Nothing is written for what was sent (see Delivery's drain).
   */
  async passed(sent: readonly ChatMessage[], drop: readonly Queued[]): Promise<void> {
    for (const { id } of sent) this.#fresh.delete(id);
    for (const { entry } of drop) this.#fresh.delete(entry.id);
    if (!drop.length) return;
    const db = await this.db();
    const tx = db.transaction(['outbox', 'messages'], 'readwrite');
    const dropped = await Promise.all(drop.map(({ entry }) => tx.objectStore('messages').get([entry.conversation, entry.id])));
    for (const [i, { entry }] of drop.entries()) {
      const message = dropped[i];
      if (message && (message.status === 'queued' || message.status === 'sending')) continue;
      if (entry.order !== undefined) tx.objectStore('outbox').delete(entry.order).catch(quiet);
    }
    await tx.done;
  }

  /**
   * Messages this engine added and no drain pass has sent yet, by id: what engine.send() wrote
   * is what a pass would read back, since nothing else writes a queued message before it is
   * sent (Retry re-queues only failed ones, which were sent; cancel calls remove()). So a queue
   * built up offline is not read back message by message when the link returns. Only plain
   * messages (one with files changes as its uploads finish); at most `limit` per connection,
   * as the queue itself.
   */
  readonly #fresh = new Map<string, ChatMessage>();

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
    this.#fresh.delete(id);
    const db = await this.db();
    const tx = db.transaction('outbox', 'readwrite');
    const entry = await tx.store.index('by-id').get(id);
    if (entry?.order !== undefined) await tx.store.delete(entry.order);
    await tx.done;
    return entry;
  }
}

interface PendingAdd {
  message: ChatMessage;
  connection: string;
  /** Its files' Blobs, kept until they are uploaded. */
  upload?: UploadRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The stores a batch of adds writes: `uploads` only when one of them has files. */
function storesOf(batch: readonly PendingAdd[]): ('messages' | 'outbox' | 'uploads')[] {
  return batch.some((add) => add.upload) ? ['messages', 'outbox', 'uploads'] : ['messages', 'outbox'];
}

/** A write issued without waiting: its failure aborts the transaction, which `tx.done` reports. */
const quiet = (): undefined => undefined;

/** One entry of the queue, with its stored message (undefined: gone). */
export interface Queued {
  entry: OutboxEntry;
  message?: ChatMessage;
}


