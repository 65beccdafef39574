/**
 * Withdrawing an unsent message (Engine.cancel, docs/engine.md, "Withdrawn"): it either wins
 * (never on the wire, and deleted) or loses (`not-cancellable`, and kept), never both.
 */

import type { StoredMessage } from './db.ts';
import type { Delivery } from './delivery.ts';
import { ValidationError } from './errors.ts';
import type { History } from './history.ts';
import type { LazyUploader } from './uploads/lazy-uploader.ts';

/**
 * The messages of one connection being withdrawn. A drain pass puts none of them on the wire
 * (Delivery skips them), from the moment cancel() found one not in flight until its delete
 * ends: it is awaited, and a pass that read the queue meanwhile still finds it there.
 */
export class Withdrawals {
  readonly #running = new Map<string, Promise<void>>();

  constructor(
    /** True while a message is on the wire (Delivery's #inflight). */
    readonly onWire: (id: string) => boolean,
    /** Asks for a drain pass (Delivery.flush). */
    readonly flush: () => void,
  ) {}

  /** True while message `id` is being withdrawn: no pass may send it. */
  has(id: string): boolean {
    return this.#running.has(id);
  }

  /**
   * Withdraws message `id` with `remove`, which deletes it, unless it is on the wire: false
   * then. The check and the mark are one synchronous step, and a pass puts a message on the
   * wire in one too, so either the pass came first (false) or it skips the message until
   * `remove` ends. If `remove` fails the message is still queued: it is released, and a pass
   * sends it. A second call while one runs gets the same promise.
   */
  start(id: string, remove: () => Promise<void>): Promise<void> | false {
    const running = this.#running.get(id);
    if (running) return running;
    if (this.onWire(id)) return false;
    const removing = Promise.resolve()
      .then(remove)
      .then(
        () => void this.#running.delete(id),
        (e: unknown) => {
          this.#running.delete(id);
          this.flush();
          throw e;
        },
      );
    this.#running.set(id, removing);
    return removing;
  }
}

/**
 * Deletes our message `message`, just read from storage, with its files, if it is not sent:
 * `queued` or `failed`, or `sending` while its files upload. Call it in the same task as that
 * read, so that nothing has sent it since. Throws `not-cancellable` if it is sent or on the
 * wire: the server may store it then, and deleting it here would only hide it until the next
 * sync brought it back.
 */
export function withdraw(message: StoredMessage, delivery: Delivery, uploader: LazyUploader, history: History): Promise<void> {
  const { conversation, id, status } = message;
  const uploading = status === 'sending' && message.attachments?.some((a) => !a.url) === true;
  // On the wire though stored `queued` (a drain pass writes no `sending`): start() checks that.
  const removing =
    (status === 'queued' || status === 'failed' || uploading) &&
    delivery.withdrawals.start(id, async () => {
      // Stops the upload first, so that it cannot finish and flush the message.
      await uploader.abort(id);
      try {
        // The record (and with it its place in the queue, worker/outbox.ts) and its files'
        // Blobs go in one transaction: a failed delete keeps the message whole.
        await history.delete(conversation, id);
      } catch (e) {
        // Still queued, with its files: their upload goes on (a `failed` one waits for Retry).
        if (status !== 'failed' && message.attachments?.some((a) => !a.url)) uploader.start(id);
        throw e;
      }
    });
  if (!removing) throw notCancellable();
  return removing;
}

/** What cancel() of a message that is sent, or on the wire, throws. */
export const notCancellable = (): ValidationError =>
  new ValidationError('not-cancellable', 'This message has already been sent and cannot be withdrawn.');
