import type { ChatMessage } from './api.ts';
import { MAX_COMMITTING } from './commit.ts';
import type { History } from './history.ts';
import type { QueuedMove, QueuedMoved } from './history-batch.ts';
import { MAX_BATCH } from './inbound-writer.ts';

/**
 * Writes one connection's acks and refusals for Delivery (docs/engine.md, "Acks and refusals"):
 * those that arrive while the previous write is being issued, or while two are committing
 * (MAX_COMMITTING), go together in one transaction (History.moveQueued), in arrival order.
 * Status and queue move in the same write, so an engine that stops halfway can leave neither a
 * confirmed message queued nor a queued one confirmed, and a second ack for the same id finds
 * nothing queued.
 */
export class SettleWriter {
  /** Moves waiting for the next write, in arrival order. */
  #waiting: Settle[] = [];
  #writing = false;
  /** Batches issued whose commit has not ended; see MAX_COMMITTING. */
  #committing = 0;

  constructor(
    readonly key: string,
    readonly history: History,
    /**
     * The message `id` as stored, if it is on the wire on the current link and has a record
     * (Delivery's in-flight copy): a sequenced ack of it is then written from it, with no read
     * (worker/history-batch.ts, moveQueued). Asked when the batch is made, not when the ack
     * came: an ack may wait behind two batches, and meanwhile the link can drop and a cancel
     * delete the message, which a copy taken at the ack would write back.
     */
    readonly held: (id: string) => ChatMessage | undefined,
    /**
     * Hears what each move does once its batch's writes are issued, before the commit, so that
     * the tabs hear an answer without waiting for the disk (docs/engine.md, "Acks and refusals").
     */
    readonly issued: (move: QueuedMove, result: QueuedMoved) => void,
    /** Hears what each move did once its batch has committed, before the move's promise settles. */
    readonly settled: (move: QueuedMove, result: QueuedMoved) => void,
  ) {}

  /** Queues `move` for the next write; resolves with what it did once that commits, rejects if it failed. */
  write(move: QueuedMove): Promise<QueuedMoved> {
    const done = new Promise<QueuedMoved>((resolve, reject) => this.#waiting.push({ move, resolve, reject }));
    if (!this.#writing) void this.#writeAll();
    return done;
  }

  async #writeAll(): Promise<void> {
    this.#writing = true;
    while (this.#waiting.length && this.#committing < MAX_COMMITTING) {
      const batch = this.#waiting.splice(0, MAX_BATCH);
      for (const { move } of batch) move.sent = this.held(move.id);
      // Not `this.issued`, which tells Delivery: this one lets the loop go on.
      let writesIssued!: () => void;
      const written = new Promise<void>((resolve) => (writesIssued = resolve));
      this.#committing++;
      const committed = this.history
        .moveQueued(
          this.key,
          batch.map((s) => s.move),
          (done) => {
            done.forEach((result, i) => this.issued(batch[i]!.move, result));
            writesIssued();
          },
        )
        .then(
          (results) => {
            for (const [i, { move, resolve }] of batch.entries()) {
              this.settled(move, results[i]!);
              resolve(results[i]!);
            }
          },
          (e: unknown) => batch.forEach(({ reject }) => reject(e)),
        )
        .finally(() => {
          this.#committing--;
          if (!this.#writing) void this.#writeAll();
        });
      // The next batch goes once this one's writes are issued (or it failed before): IndexedDB
      // runs the two transactions in the order they were made, and the next one's reads see
      // this one's writes.
      await Promise.race([written, committed]);
    }
    this.#writing = false;
  }
}

interface Settle {
  move: QueuedMove;
  resolve: (moved: QueuedMoved) => void;
  reject: (error: unknown) => void;
}
