import type { IDBPIndex, IDBPTransaction } from 'idb';
import type { ChatMessage } from './api.ts';
import { queueOf, type ParleyDb, type ParleySchema, type StoredMessage, type UploadRecord } from './db.ts';
import { ValidationError } from './errors.ts';
import type { StorageFault } from './history.ts';
import { committed, MAX_COMMITTING } from './commit.ts';
import { issuePut } from './issue-put.ts';

/**
 * The durable send queue. A message is queued when its record is written, and that write is
 * issued before any byte goes out (the commit may finish after: docs/engine.md, "Write-behind"):
 * the queue is the `by-queue` index over the message records (worker/db.ts), so the record
 * and its place in the queue are one write. It leaves when the server answers for its id
 * (worker/history-batch.ts, moveQueued), or when it is deleted (cancel).
 */
export class Outbox {
  constructor(
    readonly db: () => Promise<ParleyDb>,
    readonly limit: number,
    /** For tests: an error that fails the next writes at their commit (a full disk); see History.fault. */
    readonly fault: StorageFault = () => undefined,
  ) {}

  /**
   * Stores the message and queues it, atomically, with its files' Blobs if it has any
   * (worker/uploads/uploader.ts). Rejects, dropping nothing, when full. Adds that arrive while
   * a batch is being issued, or while two are committing (MAX_COMMITTING), go together in the
   * next transaction (one commit for a burst of sends, in call order); each still succeeds or
   * fails on its own count.
   *
   * `issued` is called once the record's write is issued in a transaction that the bound can
   * no longer refuse, before the commit: every transaction made over the messages after that
   * (a drain's read, an ack's, an echo's) finds the record, as IndexedDB runs them in the order
   * they were made (docs/engine.md, "Write-behind"). The commit may still fail, and add() then
   * rejects. A batch counted message by message (near the bound) does not call it.
   */
  add(message: ChatMessage, connection: string, upload?: UploadRecord, issued?: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => this.#push({ message, connection, upload, issued, resolve, reject }));
  }

  /** Hands a write to the writer, which starts if it is idle. */
  #push(write: PendingAdd | PendingRequeue): void {
    this.#adds.push(write);
    if (!this.#adding) void this.#writeAdds();
  }

  /**
   * Per connection, a bound on its queue's depth: the last count, raised by every add since.
   * Messages leave the queue without telling the outbox, so the true depth is never more.
   * While a batch fits under `limit` by this bound, it needs no count.
   */
  readonly #atMost = new Map<string, number>();

  /**
   * Adds and requeues waiting for the writer, in call order, the order in which they take their
   * places in the queue. A requeue takes its place only after reading its message: on its own,
   * a send() made meanwhile would take the earlier place, ahead of the message retried before it.
   */
  #adds: (PendingAdd | PendingRequeue)[] = [];
  #adding = false;
  /** Batches of adds issued whose commit has not ended; see MAX_COMMITTING. */
  #committing = 0;

  async #writeAdds(): Promise<void> {
    this.#adding = true;
    while (this.#adds.length && this.#committing < MAX_COMMITTING) {
      // A requeue is a transaction of its own; the adds up to the next one go together.
      const next = this.#adds.findIndex((write) => 'requeue' in write);
      if (next === 0) await this.#writeRequeue(this.#adds.shift() as PendingRequeue);
      else {
        const batch = this.#adds.splice(0, next < 0 ? this.#adds.length : next) as PendingAdd[];
        if (!(await this.#writeAll(batch))) await this.#writeCounted(batch);
      }
    }
    this.#adding = false;
  }

  /**
   * The usual case: the batch fits under the bound by #atMost, and is written without counting.
   * Otherwise counts and writes are issued together, the counts answered first (they were
   * asked first); if a connection would pass its bound, nothing is written (the transaction
   * aborts) and the batch goes one by one instead: false.
   */
  async #writeAll(batch: PendingAdd[]): Promise<boolean> {
    try {
      const db = await this.db();
      const tx = db.transaction(storesOf(batch), 'readwrite');
      const queue = tx.objectStore('messages').index('by-queue');
      const adding = new Map<string, number>();
      for (const { connection } of batch) adding.set(connection, (adding.get(connection) ?? 0) + 1);
      const fits = [...adding].every(([connection, n]) => (this.#atMost.get(connection) ?? Infinity) + n <= this.limit);
      const counts = fits
        ? []
        : [...adding].map(async ([connection, n]) => {
            const depth = (await queue.count(queueOf(connection))) + n;
            this.#atMost.set(connection, depth);
            return depth <= this.limit;
          });
      await this.#seqs.load(queue, adding.keys());
      for (const add of batch) this.#write(tx, add);
      if (!(await Promise.all(counts)).every(Boolean)) {
        tx.abort();
        await tx.done.catch(quiet);
        return false;
      }
      if (fits) for (const [connection, n] of adding) this.#atMost.set(connection, this.#atMost.get(connection)! + n);
      for (const add of batch) add.issued?.();
      this.#awaitCommit(tx, batch);
    } catch (e) {
      for (const add of batch) add.reject(e);
    }
    return true;
  }

  /**
   * Settles a batch's adds when its transaction ends, off the writer's path: the next batch is
   * issued meanwhile (up to MAX_COMMITTING), and the writer goes on when one ends.
   */
  #awaitCommit(tx: AddTx, batch: PendingAdd[]): void {
    this.#committing++;
    this.#committed(tx)
      .then(
        () => batch.forEach((add) => add.resolve()),
        (e: unknown) => batch.forEach((add) => add.reject(e)),
      )
      .finally(() => {
        this.#committing--;
        if (!this.#adding) void this.#writeAdds();
      });
  }

  /** Waits for the commit; a test's storage fault fails it, after the writes were issued. */
  #committed(tx: AddTx): Promise<void> {
    return committed(tx, this.fault('add'));
  }

  /** One by one against the bound: each add is refused alone if its connection is full. */
  async #writeCounted(batch: PendingAdd[]): Promise<void> {
    const accepted: PendingAdd[] = [];
    try {
      const db = await this.db();
      const tx = db.transaction(storesOf(batch), 'readwrite');
      const queue = tx.objectStore('messages').index('by-queue');
      await this.#seqs.load(queue, batch.map((add) => add.connection));
      const counts = new Map<string, number>();
      for (const add of batch) {
        let queued = counts.get(add.connection);
        if (queued === undefined) queued = await queue.count(queueOf(add.connection));
        if (queued >= this.limit) {
          add.reject(
            new ValidationError('outbox-full', `${queued} messages are still waiting to be sent. Wait for the connection, or cancel some.`),
          );
          counts.set(add.connection, queued);
          continue;
        }
        counts.set(add.connection, queued + 1);
        this.#write(tx, add);
        accepted.push(add);
      }
      await this.#committed(tx);
      for (const [connection, depth] of counts) this.#atMost.set(connection, depth);
      for (const add of accepted) add.resolve();
    } catch (e) {
      // The database did not open, or the transaction aborted: none of this batch is stored.
      // (Those refused as over the bound are settled already; a second reject is a no-op.)
      for (const add of batch) add.reject(e);
    }
  }

  /** Issues one add's writes: its record, in the queue, and its files' Blobs if it has any. */
  #write(tx: AddTx, { message, connection, upload }: PendingAdd): void {
    issuePut(tx.objectStore('messages'), { ...message, queue: [connection, this.#seqs.next(connection)] });
    if (upload) issuePut(tx.objectStore('uploads'), upload);
  }

  readonly #seqs = new QueueSeqs();

  /**
   * A drain pass's read: the connection's queued records, oldest first, but those `skip` names
   * (in flight already). One request, read-only, so that nothing waits for a commit before the
   * pass sends.
   */
  async queue(connection: string, skip: (id: string) => boolean): Promise<StoredMessage[]> {
    const db = await this.db();
    return (await db.getAllFromIndex('messages', 'by-queue', queueOf(connection))).filter((message) => !skip(message.id));
  }

  /** The ids of the messages queued on one connection, oldest first (their keys only). */
  async ids(connection: string): Promise<string[]> {
    const db = await this.db();
    return (await db.getAllKeysFromIndex('messages', 'by-queue', queueOf(connection))).map(([, id]) => id);
  }

  /** How many messages are queued on one connection, and the oldest of them: two reads, whatever the depth. */
  async depth(connection: string): Promise<{ depth: number; oldest?: StoredMessage }> {
    const queue = (await this.db()).transaction('messages').store.index('by-queue');
    const [depth, oldest] = await Promise.all([queue.count(queueOf(connection)), queue.get(queueOf(connection))]);
    return { depth, oldest };
  }

  /**
   * Puts a `failed` message back in the queue, at its end, as `queued`, in one transaction, so
   * that a double click or a drain running meanwhile sees either before or after. Taken in call
   * order with add() (see #adds). Resolves with the message as queued, or undefined if it was
   * not `failed`.
   */
  requeue(conversation: string, id: string, connection: string): Promise<StoredMessage | undefined> {
    return new Promise((resolve, reject) => this.#push({ requeue: { conversation, id, connection }, resolve, reject }));
  }

  async #writeRequeue({ requeue: { conversation, id, connection }, resolve, reject }: PendingRequeue): Promise<void> {
    try {
      const db = await this.db();
      const tx = db.transaction('messages', 'readwrite');
      await this.#seqs.load(tx.store.index('by-queue'), [connection]);
      const message = await tx.store.get([conversation, id]);
      if (message?.status !== 'failed') return resolve(undefined);
      const queued: StoredMessage = { ...message, status: 'queued', error: undefined, queue: [connection, this.#seqs.next(connection)] };
      await tx.store.put(queued);
      await tx.done;
      const atMost = this.#atMost.get(connection);
      if (atMost !== undefined) this.#atMost.set(connection, atMost + 1);
      resolve(queued);
    } catch (e) {
      reject(e);
    }
  }
}

/**
 * The next sequence number of each connection's queue. The engine is the database's only
 * writer, so it counts in memory, from the newest stored one the first time it queues on a
 * connection. A number lost to an aborted transaction leaves a gap, which orders the same.
 */
class QueueSeqs {
  readonly #next = new Map<string, number>();

  /** Reads where each of `connections` stands, if this engine has not queued on it yet. */
  async load(queue: QueueIndex, connections: Iterable<string>): Promise<void> {
    const unknown = [...new Set(connections)].filter((c) => !this.#next.has(c));
    await Promise.all(
      unknown.map(async (connection) => {
        const newest = await queue.openKeyCursor(queueOf(connection), 'prev');
        if (!this.#next.has(connection)) this.#next.set(connection, newest ? newest.key[1] + 1 : 1);
      }),
    );
  }

  next(connection: string): number {
    const seq = this.#next.get(connection) ?? 1;
    this.#next.set(connection, seq + 1);
    return seq;
  }
}

interface PendingAdd {
  message: ChatMessage;
  connection: string;
  /** Its files' Blobs, kept until they are uploaded. */
  upload?: UploadRecord;
  /** See add(). */
  issued?: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface PendingRequeue {
  requeue: { conversation: string; id: string; connection: string };
  resolve: (queued: StoredMessage | undefined) => void;
  reject: (error: unknown) => void;
}

/** The stores a batch of adds writes: `uploads` only when one of them has files. */
function storesOf(batch: readonly PendingAdd[]): ('messages' | 'uploads')[] {
  return batch.some((add) => add.upload) ? ['messages', 'uploads'] : ['messages'];
}

/** A write issued without waiting: its failure aborts the transaction, which `tx.done` reports. */
const quiet = (): undefined => undefined;

type AddTx = IDBPTransaction<ParleySchema, ('messages' | 'uploads')[], 'readwrite'>;
type QueueIndex = IDBPIndex<ParleySchema, ('messages' | 'uploads')[], 'messages', 'by-queue', 'readwrite'>;
