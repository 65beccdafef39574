import type { History } from './history.ts';
import type { QueuedMove, QueuedMoved } from './history-batch.ts';
import { MAX_BATCH } from './inbound-writer.ts';

/**
 * Writes one connection's acks and refusals for Delivery (docs/engine.md, "Acks and refusals"):
 * those that arrive while the previous write is under way go together in one transaction
 * (History.moveQueued), in arrival order. Status and queue move in the same write, so an
 * engine that stops halfway can leave neither a confirmed message queued nor a queued one
 * confirmed, and a second ack for the same id finds nothing queued.
 */
export class SettleWriter {
  /** Moves waiting for the next write, in arrival order. */
  #waiting: Settle[] = [];
  #writing = false;

  constructor(
    readonly key: string,
    readonly history: History,
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
    while (this.#waiting.length) {
      const batch = this.#waiting.splice(0, MAX_BATCH);
      try {
        const results = await this.history.moveQueued(
          this.key,
          batch.map((s) => s.move),
        );
        for (const [i, { move, resolve }] of batch.entries()) {
          this.settled(move, results[i]!);
          resolve(results[i]!);
        }
      } catch (e) {
        for (const { reject } of batch) reject(e);
      }
    }
    this.#writing = false;
  }
}

interface Settle {
  move: QueuedMove;
  resolve: (moved: QueuedMoved) => void;
  reject: (error: unknown) => void;
}
