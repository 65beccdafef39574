import type { ChatMessage, Cursor } from './api.ts';
import { StorageError, toInfo } from './errors.ts';
import type { HealthRecorder } from './health.ts';
import type { History } from './history.ts';
import type { InboundMessage } from './transports/transport.ts';
import type { DeliveryLink } from './delivery.ts';

/**
 * Stores one connection's inbound messages and catch-up cursors for Delivery, store-then-ack
 * (docs/engine.md, "Store, then acknowledge"). Inbound messages are stored in arrival order,
 * those that arrived while the previous write was under way together in one transaction; the
 * first write that fails stops the rest of that link, so a later message can never move the
 * sync cursor past one that was lost.
 */
export class InboundWriter {
  /** Settles once everything queued for storage so far is stored (or has failed). */
  #storing: Promise<void> = Promise.resolve();
  /** Inbound messages and cursors waiting for the next write, in arrival order. */
  #arrivals: Arrival[] = [];
  #writing = false;

  constructor(
    readonly history: History,
    readonly link: DeliveryLink,
    /** The books of our own messages: Delivery. */
    readonly own: OwnMessages,
    /** Counts messages and bytes in (worker/health.ts). */
    readonly traffic?: HealthRecorder,
  ) {}

  /** Settles once every inbound message and cursor received so far is stored (or has failed). */
  stored(): Promise<void> {
    return this.#storing;
  }

  /**
   * Stores a message from the server; resolves once it is stored (or known already), rejects
   * if it could not be. The transport acknowledges it to the server only after that.
   */
  received(inbound: InboundMessage): Promise<void> {
    return this.#queueArrival({ kind: 'message', inbound, generation: this.link.generation(), shown: false });
  }

  /**
   * conversation → the highest relay sequence stored or shown in it (read from the database
   * with the conversation's first inbound batch). A message from someone else with a higher
   * sequence is new for certain, as a relay gives every message one sequence for good
   * (README, "The JSON protocol": a resend keeps its first `seq`), and its place is its sequence: it is shown from memory as soon as its
   * batch's transaction exists, before the batch reads anything (acknowledged still only after
   * the commit). Not sooner: what the engine reads on a `message` event (the unread count)
   * must queue behind the write that stores it. Anything else, or before the conversation's
   * first batch, is shown once its batch has read what is stored.
   */
  readonly #newest = new Map<string, number>();

  /** Shows at once the messages of a batch that are new for certain (see #newest). */
  #showAtOnce(wanted: readonly { arrival: MessageArrival; message: Omit<ChatMessage, 'order'> }[]): void {
    for (const { arrival, message } of wanted) {
      const newest = this.#newest.get(message.conversation);
      const seq = message.cursor?.kind === 'seq' ? message.cursor.seq : undefined;
      if (newest === undefined || seq === undefined || seq <= newest || arrival.inbound.older || message.mine) continue;
      this.#newest.set(message.conversation, seq);
      arrival.shown = true;
      this.link.emit({ type: 'message', message: { ...message, order: seq } });
      this.traffic?.message('in', message.text);
    }
  }

  /**
   * The server has sent everything in `room` up to `cursor`. Queued behind the messages before
   * it, so that the cursor never passes one that failed to store (the link is gone by then).
   */
  caughtUp(room: string, cursor: Cursor): Promise<void> {
    return this.#queueArrival({ kind: 'cursor', room, cursor, generation: this.link.generation() });
  }

  #queueArrival(arrival: Omit<MessageArrival, 'resolve' | 'reject'> | Omit<CursorArrival, 'resolve' | 'reject'>): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.#arrivals.push({ ...arrival, resolve, reject } as Arrival));
    // The chain goes on after a failure; the generation check stops the rest of the link.
    this.#storing = done.catch(() => undefined);
    if (!this.#writing) void this.#writeArrivals();
    return done;
  }

  /** Stores what arrived, in order: each run of messages in one transaction, each cursor after the messages before it. */
  async #writeArrivals(): Promise<void> {
    this.#writing = true;
    while (this.#arrivals.length) {
      const first = this.#arrivals[0]!;
      const run = first.kind === 'cursor' ? 1 : this.#arrivals.findIndex((a) => a.kind === 'cursor');
      const batch = this.#arrivals.splice(0, run === -1 ? Math.min(this.#arrivals.length, MAX_BATCH) : Math.min(run, MAX_BATCH));
      try {
        if (first.kind === 'cursor') await this.#storeCursor(first);
        else await this.#storeMessages(batch as MessageArrival[]);
      } catch (e) {
        // Not a storage failure (those are handled inside): settle the batch and go on, so that
        // one bad event never stalls the link's inbound queue. Settled ones ignore this.
        for (const arrival of batch) arrival.reject(e);
        this.link.emit({ type: 'error', error: toInfo(e) });
      }
    }
    this.#writing = false;
  }

  async #storeCursor(arrival: CursorArrival): Promise<void> {
    // Of a dropped link: the next link's catch-up starts from the cursor stored before.
    if (arrival.generation !== this.link.generation()) return arrival.resolve();
    try {
      const conversation = this.link.conversationOf(arrival.room);
      if (conversation) await this.history.advanceCursor(conversation, arrival.cursor);
      arrival.resolve();
    } catch (e) {
      arrival.reject(e);
    }
  }

  async #storeMessages(arrivals: MessageArrival[]): Promise<void> {
    const generation = this.link.generation();
    // An earlier write of this link failed: the link is gone, and these come again.
    const stale = new StorageError('storage', 'The link closed before this message was stored.');
    const batch = arrivals.filter((a) => a.generation === generation || (a.reject(stale), false));
    const user = this.link.user();
    const wanted = batch.flatMap((arrival) => {
      const conversation = this.link.conversationOf(arrival.inbound.room);
      if (!conversation) return (arrival.resolve(), []);
      const { id, room, from, name, text, ts, cursor, older, attachments } = arrival.inbound;
      // Fields the server left out stay out of the record: each one costs every write and read.
      const message = {
        id,
        room,
        from,
        ...(name !== undefined ? { name } : {}),
        text,
        ts,
        ...(cursor ? { cursor } : {}),
        conversation,
        mine: from === user,
        ...(attachments ? { attachments } : {}),
      };
      return [{ arrival, message, place: older ? ('oldest' as const) : ('newest' as const) }];
    });
    if (!wanted.length) return;
    // Shown as soon as the batch knows what is new (its reads are done, its writes issued),
    // without waiting for the commit; acknowledged to the server only after the commit. If the
    // commit fails the link drops and the server sends them again: a tab that showed one
    // already keeps it once (it merges by id), and the new link stores it.
    const show = (shown: readonly (ChatMessage | undefined)[], newest: ReadonlyMap<string, number>) => {
      for (const [i, message] of shown.entries()) {
        if (!message || wanted[i]!.arrival.shown) continue;
        this.link.emit({ type: 'message', message: this.own.asShown(message) });
        if (!message.mine) this.traffic?.message('in', message.text);
      }
      for (const [conversation, order] of newest) this.#newest.set(conversation, Math.max(order, this.#newest.get(conversation) ?? -Infinity));
    };
    // Conversations of this batch with relay sequences whose highest one is not known yet.
    const edges = new Set<string>();
    for (const { message } of wanted) if (message.cursor?.kind === 'seq' && !this.#newest.has(message.conversation)) edges.add(message.conversation);
    let shown: (ChatMessage | undefined)[];
    try {
      shown = await this.history.receiveMany(wanted, show, [...edges], () => this.#showAtOnce(wanted));
    } catch (e) {
      const error = StorageError.from(e, 'Could not store a message that arrived; it will be fetched again.');
      this.link.storageFailed(error, generation);
      for (const { arrival } of wanted) arrival.reject(error);
      return;
    }
    for (const { arrival } of wanted) arrival.resolve();
    // An own message is shown by its echo only while it waits for its place, and a message
    // waiting for its place is never `sent` but by the echo that settled it.
    for (const message of shown) if (message?.mine && message.status === 'sent') this.own.echoed(message);
  }

}

/** What InboundWriter needs to know and tell about our own messages (Delivery). */
export interface OwnMessages {
  /** A stored message as the tabs should see it (Delivery.asShown): an own echo may find ours on the wire. */
  asShown(message: ChatMessage): ChatMessage;
  /** The server's echo of our own queued message is stored, and settled it (worker/history-batch.ts, echoed). */
  echoed(message: ChatMessage): void;
}

/** Most messages (or acks) written in one transaction: a long burst still commits as it goes. */
export const MAX_BATCH = 500;

interface Pending {
  /** The link the message arrived on: one of an older link is refused unstored. */
  generation: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}
/** `shown`: emitted to the tabs on arrival already (see InboundWriter.#newest). */
type MessageArrival = Pending & { kind: 'message'; inbound: InboundMessage; shown: boolean };
type CursorArrival = Pending & { kind: 'cursor'; room: string; cursor: Cursor };
type Arrival = MessageArrival | CursorArrival;
