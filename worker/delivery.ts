import type { ChatMessage, Cursor, EngineEvent, ErrorInfo, MessageStatus } from './api.ts';
import { ParleyError, StorageError, toInfo } from './errors.ts';
import type { HealthRecorder } from './health.ts';
import type { History } from './history.ts';
import type { QueuedMove, QueuedMoved } from './history-batch.ts';
import { InboundWriter, type OwnMessages } from './inbound-writer.ts';
import { sourcesOf } from './message-status.ts';
import { asMessage, type StoredMessage } from './db.ts';
import type { Outbox } from './outbox.ts';
import { MemoryQueue } from './memory-queue.ts';
import { SettleWriter } from './settle-writer.ts';
import { notCancellable, Withdrawals } from './withdraw.ts';
import type { InboundMessage, OutgoingMessage } from './transports/transport.ts';

/** What Delivery needs from the link it sends on; Connection provides it. */
export interface DeliveryLink {
  /** The user this connection speaks as: a message from them is ours. */
  user(): string;
  /** conversation key of a room this connection serves, if any. */
  conversationOf(room: string): string | undefined;
  /** Every conversation this connection serves. */
  conversations(): Iterable<string>;
  /** Rooms joined and live on the current link: what is sent for them now reaches them. */
  isLive(room: string): boolean;
  /** Sends on the current link; false if there is none. */
  send(message: OutgoingMessage): boolean;
  /** The current link's generation, which changes with every new link. */
  generation(): number;
  /** Storing an inbound message of link `generation` failed: drop that link so the server sends it again. */
  storageFailed(error: ParleyError, generation: number): void;
  emit(event: EngineEvent): void;
}

/**
 * The bookkeeping of one connection's messages: drains the outbox in order onto the live link,
 * and moves each message's status along worker/message-status.ts as acks, refusals and
 * receipts arrive. Inbound messages and cursors are stored by worker/inbound-writer.ts, in
 * arrival order and in batches. Acks that arrive together are settled in one transaction
 * (worker/settle-writer.ts), and a drain pass reads the queue once and sends all it may,
 * writing nothing for what it sent.
 */
export class Delivery implements OwnMessages {
  /** id → conversation of messages sent on the current link and not yet acknowledged. */
  readonly #inflight = new Map<string, string>();
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
  /** Writes acks and refusals, in batches; what each did comes back to #answered. */
  readonly #settles: SettleWriter;
  /** Stores what arrives: see worker/inbound-writer.ts. */
  readonly #inbound: InboundWriter;
  /** Own messages whose record failed to commit, sent and settled from memory; see unkept(). */
  readonly #unkept = new MemoryQueue();
  /** Messages cancel() is deleting unless on the wire (#inflight): no pass sends them (worker/withdraw.ts). */
  readonly withdrawals = new Withdrawals((id) => this.#inflight.has(id), () => void this.flush());

  constructor(
    readonly key: string,
    readonly outbox: Outbox,
    readonly history: History,
    readonly link: DeliveryLink,
    /** Counts messages and bytes in and out (worker/health.ts). */
    readonly traffic?: HealthRecorder,
  ) {
    this.#inbound = new InboundWriter(history, link, this, traffic);
    this.#settles = new SettleWriter(key, history, (move, result) => this.#answered(move, result));
  }

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
      .catch((e) => this.#report(e));
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

  /**
   * The record of `message`, which send() had already told the tabs of (and maybe sent), did
   * not commit. Its text must not be lost nor sent twice, so it stays queued in memory: sent
   * by the next pass if it is not on the wire, and settled by its answer like any other.
   * Only an engine that stops before the answer loses it, and the error says so.
   */
  unkept(message: ChatMessage, error: unknown): void {
    this.#unkept.add(message);
    this.#report(StorageError.from(error, 'Your message could not be kept in this browser; it is sent from memory, so closing every tab of this site before it is delivered would lose it.'));
    if (!this.#inflight.has(message.id)) void this.flush();
  }

  /**
   * Withdraws our message `id` if it is queued in memory only (see unkept()): true then, and no
   * pass sends it. One on the wire is refused with `not-cancellable`, as a stored one is
   * (worker/withdraw.ts). Synchronous, as a pass's read of the memory queue and its puts are:
   * either the pass sent it first or it never finds it. False if memory does not hold it.
   */
  withdrawUnkept(id: string): boolean {
    if (!this.#unkept.get(id)) return false;
    if (this.#inflight.has(id)) throw notCancellable();
    this.#unkept.remove(id);
    return true;
  }

  /** Settles once every inbound message and cursor received so far is stored (or has failed). */
  stored(): Promise<void> {
    return this.#inbound.stored();
  }

  /**
   * A stored record as the tabs should see it: without its place in the queue, and `sending`
   * while on the wire, though stored `queued` (see #drain).
   */
  asShown(record: StoredMessage): ChatMessage {
    const message = asMessage(record);
    return message.status === 'queued' && this.#inflight.has(message.id) ? { ...message, status: 'sending' } : message;
  }

  /**
   * The server's echo of our message `message` settled it (worker/history-batch.ts, echoed):
   * out of flight, and its ack, if it is still to come on this link, needs no write.
   */
  echoed(message: ChatMessage): void {
    // Stored by its echo: kept after all.
    this.#unkept.remove(message.id);
    if (this.#inflight.delete(message.id)) this.#echoed.add(message.id);
    this.link.emit({ type: 'status', conversation: message.conversation, id: message.id, status: 'sent', order: message.order });
  }

  /** Ids settled by their echo whose ack has not come yet (see echoed()); of the current link only. */
  readonly #echoed = new Set<string>();

  /** The link dropped: what went out unacknowledged waits for the next link. */
  dropped(): void {
    this.#caughtUp = false;
    this.#echoed.clear();
    const unacked = [...this.#inflight];
    this.#inflight.clear();
    for (const [id, conversation] of unacked) void this.#requeued(conversation, id).catch((e) => this.#report(e));
  }

  /**
   * One in flight is back in the queue. A drain pass writes no `sending` (see #drain), so the
   * record is usually `queued` still, and only the tabs, told `sending`, need telling; one
   * stored `sending` (by an engine before this rule) moves back; one settled meanwhile stays.
   */
  async #requeued(conversation: string, id: string): Promise<void> {
    const unkept = this.#unkept.get(id);
    if (unkept) return this.link.emit({ type: 'status', conversation, id, status: 'queued', order: unkept.order });
    if (await this.#setStatus(conversation, id, 'queued')) return;
    const message = await this.history.get(conversation, id);
    // A new link may have sent it again meanwhile: then it is `sending` once more.
    if (message?.status === 'queued' && !this.#inflight.has(id)) this.link.emit({ type: 'status', conversation, id, status: 'queued', order: message.order });
  }

  /**
   * Stores a message from the server; resolves once it is stored (or known already), rejects
   * if it could not be. The transport acknowledges it to the server only after that.
   */
  received(inbound: InboundMessage): Promise<void> {
    return this.#inbound.received(inbound);
  }

  /**
   * The server has sent everything in `room` up to `cursor`. Queued behind the messages before
   * it, so that the cursor never passes one that failed to store (the link is gone by then).
   */
  caughtUp(room: string, cursor: Cursor): Promise<void> {
    return this.#inbound.caughtUp(room, cursor);
  }

  /** The server has our message `id`: `sent`, out of the outbox, out of #inflight; resolves once stored. */
  async acked(id: string, cursor: Cursor | undefined): Promise<void> {
    if (this.#echoed.delete(id)) return;
    await this.#settle({ id, to: 'sent', also: cursor ? { cursor } : {} });
  }

  /** Moves an answered message's status and takes it out of the queue, in one write (worker/settle-writer.ts). */
  #settle(move: QueuedMove): Promise<QueuedMoved> {
    move.conversation ??= this.#inflight.get(move.id);
    return this.#settles.write(move);
  }

  /**
   * The write of an answer committed: the tabs hear the new status, and the message leaves
   * #inflight only now, so that a drain never sees it as unsent while it is still queued.
   */
  #answered(move: QueuedMove, { conversation, moved }: QueuedMoved): void {
    // Not moved in storage: perhaps queued in memory only (see unkept()), where its answer takes it out.
    const settled = conversation && moved ? { conversation, id: move.id, order: moved.order } : this.#unkept.remove(move.id);
    if (settled) this.link.emit(statusOf(settled, move.to, move.error));
    this.#inflight.delete(move.id);
  }

  /** The peer got or read our message: never backwards (a late `delivered` does not undo `read`). */
  async receipted(id: string, status: 'delivered' | 'read'): Promise<void> {
    // A receipt proves the server had it, even if its own ack is still on the way.
    await this.acked(id, undefined);
    await this.#setOwnStatus(id, status);
  }

  /** A refused message must not block the ones behind it; it waits for retry() or cancel(). */
  async rejected(id: string, error: ParleyError): Promise<void> {
    this.#echoed.delete(id);
    // Status and outbox together, as in acked(): a `failed` message left in the outbox is dropped by a drain.
    const { conversation } = await this.#settle({ id, to: 'failed', error: error.toInfo() });
    // Not queued: the server acked it and bounced it later (worker/message-status.ts: `sent → failed`).
    if (!conversation) await this.#setOwnStatus(id, 'failed', error.toInfo());
  }

  async #drain(): Promise<void> {
    // Rooms with a message this pass left unsent: the rest of that room waits for the next
    // pass, which starts again from the oldest. A link can come up while a pass runs, and a
    // later message must not go out on it before an earlier one.
    const held = new Set<string>();
    const sent: ChatMessage[] = [];
    let left = false;
    // On the wire, or being withdrawn: checked after the read, in the task that sends.
    const skip = (id: string) => this.#inflight.has(id) || this.withdrawals.has(id);
    const queue = [...(await this.outbox.queue(this.key, skip)), ...this.#unkept.queue(skip)];
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
   * asShown() (Engine.page) or `withdrawals` (worker/withdraw.ts). One stored `sending` by an
   * engine that stopped mid-send goes again (ids dedupe).
   */
  #put(message: ChatMessage): boolean {
    const { id, room, from, name, text, ts, attachments } = message;
    if (!this.link.send({ id, room, from, name, text, ts, ...(attachments?.length ? { attachments } : {}) })) return false;
    this.#inflight.set(id, message.conversation);
    this.traffic?.message('out', text);
    return true;
  }

  /** Moves a message to `to` if worker/message-status.ts allows it from where it is, and tells the tabs. */
  async #setStatus(conversation: string, id: string, to: MessageStatus, error?: ErrorInfo, also: Partial<ChatMessage> = {}) {
    const changed = await this.history.transition(conversation, id, sourcesOf(to), to, error, also);
    if (changed) this.link.emit(statusOf({ conversation, id, order: changed.order }, to, error));
    return changed;
  }

  /** #setStatus for our message `id`, in whichever of this connection's conversations holds it. */
  async #setOwnStatus(id: string, to: MessageStatus, error?: ErrorInfo): Promise<void> {
    for (const conversation of this.link.conversations()) {
      const message = await this.history.get(conversation, id);
      if (message?.mine) return void (await this.#setStatus(conversation, id, to, error));
    }
  }

  #report(e: unknown): void {
    this.link.emit({ type: 'error', error: toInfo(e) });
  }
}

const sendingOf = ({ conversation, id, order }: ChatMessage): EngineEvent => ({ type: 'status', conversation, id, status: 'sending', order });

/** The `status` event that tells the tabs a message's answer moved it to `status`. */
const statusOf = ({ conversation, id, order }: Pick<ChatMessage, 'conversation' | 'id' | 'order'>, status: MessageStatus, error: ErrorInfo | undefined): EngineEvent =>
  ({ type: 'status', conversation, id, status, order, error });
