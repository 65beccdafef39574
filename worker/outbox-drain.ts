import type { ChatMessage, EngineEvent } from './api.ts';
import { asMessage, type StoredMessage } from './db.ts';
import type { DeliveryLink } from './delivery.ts';
import type { HealthRecorder } from './health.ts';
import type { MemoryQueue } from './memory-queue.ts';
import type { Outbox } from './outbox.ts';
import type { Withdrawals } from './withdraw.ts';

/**
 * Delivery's outbox drain for one connection: puts queued messages on the live link in outbox
 * order, one pass at a time. A pass reads the queue once and sends all it may, writing nothing
 * for what it sent; what it sent stays in `inflight` until Delivery settles its answer.
 */
export class OutboxDrain {
  #draining: Promise<void> = Promise.resolve();
  /** A drain pass is scheduled and has not started: another flush() needs no pass of its own. */
  #drainQueued = false;
  /**
   * Every queued message is on the wire: the last pass left none, and nothing has asked for a
   * pass since. A message send() has just queued is then next in queue order (see added()),
   * unless a retry's requeue is being written (#requeues, requeue()): that one goes first.
   */
  #caughtUp = false;
  #requeues = 0;

  constructor(
    readonly key: string,
    readonly outbox: Outbox,
    readonly link: DeliveryLink,
    /** id → the message as stored, of messages sent on the current link and not yet acknowledged (Delivery's). */
    readonly inflight: Map<string, ChatMessage>,
    /** Own messages whose record failed to commit (Delivery.unkept): a pass sends them after the stored queue. */
    readonly unkept: MemoryQueue,
    /** Messages cancel() is deleting: no pass sends them (worker/withdraw.ts). */
    readonly withdrawals: Withdrawals,
    /** Tells the tabs of a pass that failed. */
    readonly report: (e: unknown) => void,
    /** Counts messages and bytes out (worker/health.ts). */
    readonly traffic?: HealthRecorder,
  ) {}

  /** Sends what waits in the outbox for live rooms, in outbox order. Call after adding to it. */
  flush(): Promise<void> {
    this.#caughtUp = false;
    // One drain at a time, so that messages go out in outbox order; a burst of sends needs
    // one pass after the running one, not one each.
    if (this.#drainQueued) return this.#draining;
    this.#drainQueued = true;
    this.#draining = this.#draining
      .then(() => {
        this.#drainQueued = false;
        return this.#drain();
      })
      .catch((e) => this.report(e));
    return this.#draining;
  }

  /**
   * send() has stored and queued `message`. If every message queued before it is on the wire,
   * it goes out now, from memory: a pass would read back only what send() holds, and that read
   * waits behind the next batch of sends' write (IndexedDB runs them in order). Otherwise, or if
   * it cannot go, a pass sends it.
   */
  added(message: ChatMessage): void {
    if (this.#caughtUp && !this.#requeues && this.link.isLive(message.room) && this.#put(message)) this.link.emit(sendingOf(message));
    else void this.flush();
  }

  /** Retry: the failed message `id` back at the end of the queue (worker/outbox.ts), then a pass. A send() meanwhile queues behind it and goes with that pass, not straight out (added()). */
  requeue(conversation: string, id: string): Promise<StoredMessage | undefined> {
    this.#requeues++;
    return this.outbox.requeue(conversation, id, this.key).finally(() => {
      this.#requeues--;
      void this.flush();
    });
  }

  /** The link dropped: what was on the wire is queued again, so a new message waits for a pass. */
  dropped(): void {
    this.#caughtUp = false;
  }

  async #drain(): Promise<void> {
    // Rooms with a message this pass left unsent: the rest of that room waits for the next
    // pass, which starts again from the oldest. A link can come up while a pass runs, and a
    // later message must not go out on it before an earlier one.
    const held = new Set<string>();
    const sent: ChatMessage[] = [];
    let left = false;
    // On the wire, or being withdrawn: checked after the read, in the task that sends.
    const skip = (id: string) => this.inflight.has(id) || this.withdrawals.has(id);
    const queue = [...(await this.outbox.queue(this.key, skip)), ...this.unkept.queue(skip)];
    for (const message of queue) {
      // Its files are still uploading (worker/uploads/uploader.ts), which flushes again when
      // they are done. The room is not held: text sent meanwhile need not wait for a large file.
      if (message.attachments?.some((a) => !a.url)) left = true;
      // Waits for its room to be joined (the server would refuse it, or no tab has opened it
      // yet), or for a link.
      else if (held.has(message.room) || !this.link.isLive(message.room) || !this.#put(message)) {
        held.add(message.room);
        left = true;
      } else sent.push(message);
    }
    // A flush() during the pass asked for another: what it was for may not be in this one.
    this.#caughtUp = !left && !this.#drainQueued;
    for (const m of sent) this.link.emit(sendingOf(m));
  }

  /**
   * Puts a queued message on the wire; false if there is no link. Nothing waits for a commit
   * between the queue and the wire. Told `sending`, not written: in storage a message stays
   * `queued` until its answer moves it on (the table allows `queued → sent`), so that the acks
   * of a long drain do not queue behind a write of every message. What reads storage asks
   * Delivery.asShown() (Engine.page) or `withdrawals` (worker/withdraw.ts). One stored `sending`
   * by an engine that stopped mid-send goes again (ids dedupe).
   */
  #put(message: ChatMessage): boolean {
    const { id, room, from, name, text, ts, attachments } = message;
    if (!this.link.send({ id, room, from, name, text, ts, ...(attachments?.length ? { attachments } : {}) })) return false;
    this.inflight.set(id, asMessage(message));
    this.traffic?.message('out', text);
    return true;
  }
}

const sendingOf = ({ conversation, id, order }: ChatMessage): EngineEvent => ({ type: 'status', conversation, id, status: 'sending', order });
