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
import { OutboxDrain } from './outbox-drain.ts';
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
 * (worker/settle-writer.ts), and a drain pass (worker/outbox-drain.ts) reads the queue once
 * and sends all it may, writing nothing for what it sent.
 */
export class Delivery implements OwnMessages {
  /** id → the message as stored, of messages sent on the current link and not yet acknowledged. */
  readonly #inflight = new Map<string, ChatMessage>();
  /** Puts the queue on the wire, one pass at a time: see worker/outbox-drain.ts. */
  readonly #drain: OutboxDrain;
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
    this.#settles = new SettleWriter(
      key,
      history,
      (id) => (this.#unkept.get(id) ? undefined : this.#inflight.get(id)),
      (move, result) => this.#answering(move, result),
      (move) => this.#answered(move),
    );
    this.#drain = new OutboxDrain(key, outbox, link, this.#inflight, this.#unkept, this.withdrawals, (e) => this.#report(e), traffic);
  }

  /** Sends what waits in the outbox for live rooms, in outbox order. Call after adding to it. */
  flush(): Promise<void> {
    return this.#drain.flush();
  }

  /** send() has stored and queued `message`: it goes out now if it may, else with a pass (OutboxDrain.added). */
  added(message: ChatMessage): void {
    this.#drain.added(message);
  }

  /** Retry: the failed message `id` back at the end of the queue, then a pass (OutboxDrain.requeue). */
  requeue(conversation: string, id: string): Promise<StoredMessage | undefined> {
    return this.#drain.requeue(conversation, id);
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
   * while on the wire, though stored `queued` (worker/outbox-drain.ts, #put).
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
    this.#drain.dropped();
    this.#echoed.clear();
    const unacked = [...this.#inflight];
    this.#inflight.clear();
    for (const [id, { conversation }] of unacked) void this.#requeued(conversation, id).catch((e) => this.#report(e));
  }

  /**
   * One in flight is back in the queue. A drain pass writes no `sending` (worker/outbox-drain.ts),
   * so the record is usually `queued` still, and only the tabs, told `sending`, need telling;
   * one stored `sending` (by an engine before this rule) moves back; one settled meanwhile stays.
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

  /**
   * The server has our message `id`: `sent`, out of the outbox, out of #inflight. Resolves once
   * stored: true, or false if the write failed (#settle).
   */
  async acked(id: string, cursor: Cursor | undefined): Promise<boolean> {
    if (this.#echoed.delete(id)) return true;
    return (await this.#settle({ id, to: 'sent', also: cursor ? { cursor } : {} })) !== undefined;
  }

  /**
   * Moves an answered message's status and takes it out of the queue, in one write
   * (worker/settle-writer.ts). Resolves with what it did, or undefined if the write failed.
   * The tabs have heard the answer by then (#answering), but the message is still queued in
   * storage and in flight here; the link is dropped, as for an inbound message that could not
   * be stored, so that the next link sends it again under the same id (the relay dedupes)
   * rather than leave it until this link ends by itself.
   */
  #settle(move: QueuedMove): Promise<QueuedMoved | undefined> {
    move.conversation ??= this.#inflight.get(move.id)?.conversation;
    const generation = this.link.generation();
    return this.#settles.write(move).catch((e: unknown) => {
      const words = "The server's answer to your message could not be saved in this browser, so it goes again, under the same id, on a new connection.";
      this.link.storageFailed(StorageError.from(e, words), generation);
      return undefined;
    });
  }

  /**
   * The write of an answer is issued: the tabs hear the new status now, not after the commit.
   * The server has answered, which is what the status says; a commit that fails leaves the
   * message queued and in flight, so the next link sends it again (ids dedupe) and the tabs
   * hear `queued`, then its answer (docs/engine.md, "Acks and refusals").
   */
  #answering(move: QueuedMove, { conversation, moved }: QueuedMoved): void {
    if (conversation && moved) return this.link.emit(statusOf({ conversation, id: move.id, order: moved.order }, move.to, move.error));
    // Not moved in storage: perhaps queued in memory only (see unkept()). Nothing of it is
    // written, so it is done now: a link that drops before this batch commits must not tell
    // the tabs it is `queued` again after they heard its answer.
    const unkept = this.#unkept.get(move.id);
    if (!unkept) return;
    this.#unkept.remove(move.id);
    this.#inflight.delete(move.id);
    this.link.emit(statusOf(unkept, move.to, move.error));
  }

  /**
   * The write of an answer committed: the message leaves #inflight only now, so that a drain
   * never sees it as unsent while it is still queued in storage.
   */
  #answered(move: QueuedMove): void {
    this.#inflight.delete(move.id);
  }

  /** The peer got or read our message: never backwards (a late `delivered` does not undo `read`). */
  async receipted(id: string, status: 'delivered' | 'read'): Promise<void> {
    // A receipt proves the server had it, even if its own ack is still on the way.
    if (await this.acked(id, undefined)) await this.#setOwnStatus(id, status);
  }

  /** A refused message must not block the ones behind it; it waits for retry() or cancel(). */
  async rejected(id: string, error: ParleyError): Promise<void> {
    this.#echoed.delete(id);
    // Status and outbox together, as in acked(): a `failed` message left in the outbox is dropped by a drain.
    const settled = await this.#settle({ id, to: 'failed', error: error.toInfo() });
    // Not queued: the server acked it and bounced it later (worker/message-status.ts: `sent → failed`).
    if (settled && !settled.conversation) await this.#setOwnStatus(id, 'failed', error.toInfo());
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

/** The `status` event that tells the tabs a message's answer moved it to `status`. */
const statusOf = ({ conversation, id, order }: Pick<ChatMessage, 'conversation' | 'id' | 'order'>, status: MessageStatus, error: ErrorInfo | undefined): EngineEvent =>
  ({ type: 'status', conversation, id, status, order, error });
