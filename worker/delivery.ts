import type { ChatMessage, Cursor, EngineEvent, ErrorInfo, MessageStatus } from './api.ts';
import { ParleyError, StorageError, toInfo } from './errors.ts';
import type { HealthRecorder } from './health.ts';
import type { History } from './history.ts';
import { sourcesOf } from './message-status.ts';
import type { Outbox } from './outbox.ts';
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
 * receipts arrive. Inbound messages are stored one at a time, in arrival order; the first one
 * that cannot be stored stops the rest of that link, so a later message can never move the
 * sync cursor past one that was lost.
 */
export class Delivery {
  /** id → conversation of messages sent on the current link and not yet acknowledged. */
  readonly #inflight = new Map<string, string>();
  #draining: Promise<void> = Promise.resolve();
  #storing: Promise<void> = Promise.resolve();

  constructor(
    readonly key: string,
    readonly outbox: Outbox,
    readonly history: History,
    readonly link: DeliveryLink,
    /** Counts messages and bytes in and out (worker/health.ts). */
    readonly traffic?: HealthRecorder,
  ) {}

  /** Sends what waits in the outbox for live rooms, in outbox order. Call after adding to it. */
  flush(): Promise<void> {
    // One drain at a time, so that messages go out in outbox order.
    this.#draining = this.#draining.then(() => this.#drain()).catch((e) => this.#report(e));
    return this.#draining;
  }

  /** Settles once every inbound message and cursor received so far is stored (or has failed). */
  stored(): Promise<void> {
    return this.#storing;
  }

  /** The link dropped: what went out unacknowledged waits for the next link. */
  dropped(): void {
    const unacked = [...this.#inflight];
    this.#inflight.clear();
    for (const [id, conversation] of unacked) void this.#setStatus(conversation, id, 'queued').catch((e) => this.#report(e));
  }

  /**
   * Stores a message from the server; resolves once it is stored (or known already), rejects
   * if it could not be. The transport acknowledges it to the server only after that.
   */
  received(inbound: InboundMessage): Promise<void> {
    const generation = this.link.generation();
    const stored = this.#storing.then(async () => {
      // An earlier message of this link failed: the link is gone, and this one comes again.
      if (generation !== this.link.generation()) throw new StorageError('storage', 'The link closed before this message was stored.');
      const conversation = this.link.conversationOf(inbound.room);
      if (!conversation) return;
      const { id, room, from, name, text, ts, cursor, attachments } = inbound;
      const message = { id, room, from, name, text, ts, cursor, conversation, mine: from === this.link.user(), ...(attachments ? { attachments } : {}) };
      try {
        const shown = await this.history.receive(message, inbound.older ? 'oldest' : 'newest');
        if (shown) this.link.emit({ type: 'message', message: shown });
        if (shown && !shown.mine) this.traffic?.message('in', shown.text);
      } catch (e) {
        const error = StorageError.from(e, 'Could not store a message that arrived; it will be fetched again.');
        this.link.storageFailed(error, generation);
        throw error;
      }
    });
    // The chain goes on after a failure; the generation check above stops the rest of the link.
    this.#storing = stored.catch(() => undefined);
    return stored;
  }

  /**
   * The server has sent everything in `room` up to `cursor`. Queued behind the messages before
   * it, so that the cursor never passes one that failed to store (the link is gone by then).
   */
  caughtUp(room: string, cursor: Cursor): Promise<void> {
    const generation = this.link.generation();
    const done = this.#storing.then(async () => {
      const conversation = this.link.conversationOf(room);
      if (conversation && generation === this.link.generation()) await this.history.advanceCursor(conversation, cursor);
    });
    this.#storing = done.catch(() => undefined);
    return done;
  }

  async acked(id: string, cursor: Cursor | undefined): Promise<void> {
    // Status, then out of the outbox, then out of #inflight (so that a drain never sees it as
    // unsent). An engine that stops between two steps (its tab closed, without SharedWorker)
    // leaves a confirmed message in the outbox, which the next drain drops; the other order
    // left it `sending` for good. A second ack for the same id finds nothing queued.
    const entry = await this.outbox.get(id);
    if (entry) await this.#setStatus(entry.conversation, id, 'sent', undefined, cursor ? { cursor } : {});
    await this.outbox.remove(id);
    this.#inflight.delete(id);
  }

  /** The peer got or read our message: never backwards (a late `delivered` does not undo `read`). */
  async receipted(id: string, status: 'delivered' | 'read'): Promise<void> {
    // A receipt proves the server had it, even if its own ack is still on the way.
    await this.acked(id, undefined);
    for (const conversation of this.link.conversations()) {
      const message = await this.history.get(conversation, id);
      if (message?.mine) return void (await this.#setStatus(conversation, id, status));
    }
  }

  /** A refused message must not block the ones behind it; it waits for retry() or cancel(). */
  async rejected(id: string, error: ParleyError): Promise<void> {
    // Status first, as in acked(): a `failed` message left in the outbox is dropped by a drain.
    const entry = await this.outbox.get(id);
    if (entry) await this.#setStatus(entry.conversation, id, 'failed', error.toInfo());
    else await this.#bounced(id, error);
    await this.outbox.remove(id);
    this.#inflight.delete(id);
  }

  /** The server acked the message and bounced it later (worker/message-status.ts): `sent → failed`. */
  async #bounced(id: string, error: ParleyError): Promise<void> {
    for (const conversation of this.link.conversations()) {
      const message = await this.history.get(conversation, id);
      if (message?.mine) return void (await this.#setStatus(conversation, id, 'failed', error.toInfo()));
    }
  }

  async #drain(): Promise<void> {
    // Rooms with a message this pass left unsent: the rest of that room waits for the next
    // pass, which starts again from the oldest. A link can come up while a pass runs (each step
    // awaits IndexedDB), and a later message must not go out on it before an earlier one.
    const held = new Set<string>();
    for (const entry of await this.outbox.pending(this.key)) {
      if (this.#inflight.has(entry.id)) continue;
      const message = await this.history.get(entry.conversation, entry.id);
      // Gone, or confirmed or refused by a server whose ack its engine did not finish (above).
      if (!message || (message.status !== 'queued' && message.status !== 'sending')) {
        await this.outbox.remove(entry.id);
        continue;
      }
      if (held.has(message.room)) continue;
      // Its files are still uploading (worker/uploads/uploader.ts), which flushes again when they
      // are done. The room is not held: text sent meanwhile need not wait for a large file.
      if (message.attachments?.some((a) => !a.url)) continue;
      // Waits for its room to be joined: the server would refuse it, or no tab has opened it yet.
      if (!this.link.isLive(message.room)) {
        held.add(message.room);
        continue;
      }
      this.#inflight.set(message.id, message.conversation);
      // Status first: an ack that lands meanwhile must win, and the table refuses sent → sending.
      // Already `sending`: an engine that stopped mid-send left it so; send it again (ids dedupe).
      // Not movable to `sending` (a refused message): it waits for Retry and blocks nothing.
      const sending = message.status === 'sending' || (await this.#setStatus(message.conversation, message.id, 'sending'));
      const { id, room, from, name, text, ts, attachments } = message;
      if (!sending || !(await this.outbox.has(id))) {
        this.#inflight.delete(id);
        continue;
      }
      if (!this.link.send({ id, room, from, name, text, ts, ...(attachments?.length ? { attachments } : {}) })) {
        this.#inflight.delete(id);
        held.add(room);
      } else this.traffic?.message('out', text);
    }
  }

  /** Moves a message to `to` if worker/message-status.ts allows it from where it is, and tells the tabs. */
  async #setStatus(conversation: string, id: string, to: MessageStatus, error?: ErrorInfo, also: Partial<ChatMessage> = {}) {
    const changed = await this.history.transition(conversation, id, sourcesOf(to), to, error, also);
    if (changed) this.link.emit({ type: 'status', conversation, id, status: to, order: changed.order, error });
    return changed;
  }

  #report(e: unknown): void {
    this.link.emit({ type: 'error', error: toInfo(e) });
  }
}
