import type { ChatMessage, Cursor, ErrorInfo, HistoryCursor, HistoryPage, MessageStatus } from './api.ts';
import type { IDBPObjectStore, IDBPTransaction } from 'idb';
import { isPending, PENDING_BASE, type Place } from './order.ts';
import type { ParleyDb, ParleySchema } from './db.ts';
import { sourcesOf } from './message-status.ts';

/** Fails the next writes, for tests of storage faults (a full disk): see EngineDeps.storageFault. */
export type StorageFault = () => Error | undefined;

/**
 * Where a conversation's cursor goes next, or undefined if `cursor` does not move it. A relay
 * sequence only ever grows. An archive id (XEP-0313) cannot be compared, so the one of the
 * newest message wins; one with no time (the server said "caught up to here") wins outright.
 */
function advanced(current: CursorRecord | undefined, conversation: string, cursor: Cursor, ts?: number): CursorRecord | undefined {
  if (cursor.kind === 'seq' && current?.cursor.kind === 'seq' && current.cursor.seq >= cursor.seq) return undefined;
  if (cursor.kind === 'archive' && (!cursor.id || (ts !== undefined && (current?.ts ?? -Infinity) > ts))) return undefined;
  return { conversation, cursor, ts };
}

type CursorRecord = ParleySchema['cursors']['value'];

/** Moves a conversation's cursor forward (see {@link advanced}). */
async function advance(
  cursors: IDBPObjectStore<ParleySchema, ('cursors' | 'messages')[] | ['cursors'], 'cursors', 'readwrite'>,
  conversation: string,
  cursor: Cursor,
  ts?: number,
): Promise<void> {
  const next = advanced(await cursors.get(conversation), conversation, cursor, ts);
  if (next) await cursors.put(next);
}

/** One inbound message for {@link History.receiveMany}, and where it goes. */
export interface Arrival {
  message: Omit<ChatMessage, 'order'>;
  place: Place;
}

/** One status move for {@link History.moveQueued}: message `id`, found through its outbox entry. */
export interface QueuedMove {
  id: string;
  /**
   * Where the message is queued, if the caller knows (it claimed it: Outbox.claim): saves the
   * lookup by id. A message that is gone meanwhile (cancelled) is then simply not found.
   */
  queued?: { conversation: string; key: number };
  to: MessageStatus;
  error?: ErrorInfo;
  also?: Partial<ChatMessage>;
}

/** What {@link History.moveQueued} did for one move. */
export interface QueuedMoved {
  /** The outbox entry's conversation; undefined if the message was not queued. */
  conversation?: string;
  /** The message as stored after the move; undefined if the table did not allow it. */
  moved?: ChatMessage;
}

/** Messages and sync cursors in IndexedDB, paged newest first, one record per client id. */
export class History {
  constructor(
    readonly db: () => Promise<ParleyDb>,
    readonly fault: StorageFault = () => undefined,
  ) {}

  /**
   * Stores a message from the server, in its place in the server's order (worker/order.ts).
   * Returns what to show: the new record; our own message, placed by its echo; or nothing for
   * a duplicate (a resend, or a sync that overlaps what we have).
   */
  async receive(message: Omit<ChatMessage, 'order'>, place: Place = 'newest'): Promise<ChatMessage | undefined> {
    const fault = this.fault();
    if (fault) throw fault;
    const db = await this.db();
    const tx = db.transaction(['messages', 'cursors'], 'readwrite');
    const messages = tx.objectStore('messages');
    const known = await messages.get([message.conversation, message.id]);
    let shown: ChatMessage | undefined;
    if (!known) shown = { ...message, order: await placeOf(tx, message, place) };
    // The server's echo of our own message is its place in the server's order.
    else if (isPending(known.order) && known.mine) shown = { ...known, order: await placeOf(tx, message, place) };
    if (shown) await messages.put(shown);
    if (message.cursor) await advance(tx.objectStore('cursors'), message.conversation, message.cursor, message.ts);
    await tx.done;
    return shown;
  }

  /**
   * {@link receive} for messages that arrived together, in one transaction: what a burst costs
   * is then one commit, not one per message. All are stored or none (the transaction aborts),
   * in arrival order; returns what to show for each, as receive() does. `placed` hears the
   * same list as soon as the batch knows it (its reads are done and its writes issued), before
   * the commit: the caller may show the messages then, and acknowledge them only once this
   * resolves. For each conversation in `edges`, `placed` also hears the order of its newest
   * confirmed message once this batch is stored (a relay conversation's highest sequence).
   */
  async receiveMany(
    arrivals: readonly Arrival[],
    placed: (shown: readonly (ChatMessage | undefined)[], newest: ReadonlyMap<string, number>) => void = () => undefined,
    edges: readonly string[] = [],
    /** Called once the transaction exists: what is read from now on sees this batch stored. */
    begun: () => void = () => undefined,
  ): Promise<(ChatMessage | undefined)[]> {
    const fault = this.fault();
    if (fault) throw fault;
    const db = await this.db();
    const tx = db.transaction(['messages', 'cursors'], 'readwrite');
    begun();
    const messages = tx.objectStore('messages');
    const cursors = tx.objectStore('cursors');
    // The cursors are read alongside the known records: one round trip for both.
    const conversations = [...new Set(arrivals.filter(({ message }) => message.cursor).map(({ message }) => message.conversation))];
    const [stored, current, newest] = await Promise.all([
      knownOf(tx, arrivals),
      Promise.all(conversations.map((c) => cursors.get(c))),
      Promise.all(edges.map(async (c) => [c, await edgeOf(tx, c, 'newest')] as const)).then((pairs) => new Map(pairs)),
    ]);
    const places = new Places(tx);
    /** Written by this batch, by conversation and id: a resend inside one burst is a duplicate. */
    const written = new Map<string, ChatMessage>();
    /** conversation → its cursor record as this batch leaves it, and whether it changed. */
    const moved = new Map(conversations.map((c, i) => [c, { record: current[i], changed: false }]));
    const shown: (ChatMessage | undefined)[] = [];
    for (const [i, { message, place }] of arrivals.entries()) {
      const key = `${message.conversation}\u0000${message.id}`;
      const known = written.get(key) ?? stored[i];
      let show: ChatMessage | undefined;
      if (!known) show = { ...message, order: await places.of(message, place) };
      else if (known !== 'known' && isPending(known.order) && known.mine) show = { ...known, order: await places.of(message, place) };
      if (show) {
        written.set(key, show);
        messages.put(show).catch(quiet);
        const edge = newest.get(message.conversation);
        if (edge !== undefined && !isPending(show.order)) newest.set(message.conversation, Math.max(edge, show.order));
      }
      shown.push(show);
      const state = message.cursor && moved.get(message.conversation);
      if (message.cursor && state) {
        const next = advanced(state.record, message.conversation, message.cursor, message.ts);
        if (next) Object.assign(state, { record: next, changed: true });
      }
    }
    for (const { record, changed } of moved.values()) if (changed && record) cursors.put(record).catch(quiet);
    placed(shown, newest);
    await tx.done;
    return shown;
  }

  /** Records that the server has sent everything up to `cursor`. */
  async advanceCursor(conversation: string, cursor: Cursor): Promise<void> {
    const db = await this.db();
    const tx = db.transaction('cursors', 'readwrite');
    await advance(tx.store, conversation, cursor);
    await tx.done;
  }

  async get(conversation: string, id: string): Promise<ChatMessage | undefined> {
    return (await this.db()).get('messages', [conversation, id]);
  }

  /**
   * Sets the status (and `also`, such as the server's seq) only if the message is in one of
   * `from`, in one transaction, so that racing updates cannot move it backwards (a late
   * `sending` over `sent`).
   */
  async transition(
    conversation: string,
    id: string,
    from: MessageStatus[],
    to: MessageStatus,
    error?: ErrorInfo,
    also: Partial<ChatMessage> = {},
  ) {
    const db = await this.db();
    const tx = db.transaction(['messages', 'cursors'], 'readwrite');
    const messages = tx.objectStore('messages');
    const current = await messages.get([conversation, id]);
    if (!current?.status || !from.includes(current.status)) return undefined;
    const next = { ...current, ...also, status: to, error };
    // The server confirmed it (an ack, or a receipt that overtook the ack): it takes its place
    // in the server's order (worker/order.ts).
    if (CONFIRMED.has(to) && isPending(current.order)) {
      if (next.cursor?.kind !== 'seq') await placeEarlierOwn(current, (m) => placeOf(tx, m, 'newest'), tx);
      next.order = await placeOf(tx, next, 'newest');
    }
    await messages.put(next);
    await tx.done;
    return next;
  }

  /**
   * {@link transition} for several own messages at once, in one transaction with the outbox:
   * each move applies only while the message is still queued there (a cancel that removed it
   * wins), and only along an edge of worker/message-status.ts. With `dequeue`, each message
   * found also leaves the outbox in the same transaction (the server confirmed or refused it),
   * so its status and its place in the queue can never disagree.
   */
  async moveQueued(moves: readonly QueuedMove[], dequeue: boolean): Promise<QueuedMoved[]> {
    const db = await this.db();
    const tx = db.transaction(['messages', 'cursors', 'outbox'], 'readwrite');
    const messages = tx.objectStore('messages');
    const outbox = tx.objectStore('outbox');
    const entries = await Promise.all(
      moves.map(({ id, queued }) => (queued ? { id, conversation: queued.conversation, order: queued.key } : outbox.index('by-id').get(id))),
    );
    const current = await Promise.all(entries.map((entry, i) => entry && messages.get([entry.conversation, moves[i]!.id])));
    const places = new Places(tx);
    const done: QueuedMoved[] = [];
    /** Moved by this batch: the same id twice (a repeated ack) sees the first move. */
    const latest = new Map<string, ChatMessage>();
    for (const [i, { id, to, error, also }] of moves.entries()) {
      const entry = entries[i];
      if (!entry) {
        done.push({});
        continue;
      }
      const message = latest.get(id) ?? current[i];
      let next: ChatMessage | undefined;
      if (message?.status && sourcesOf(to).includes(message.status)) {
        next = { ...message, ...also, status: to, error };
        if (CONFIRMED.has(to) && isPending(message.order)) {
          if (next.cursor?.kind !== 'seq') await placeEarlierOwn(message, (m) => places.of(m, 'newest'), tx, latest);
          next.order = await places.of(next, 'newest');
        }
        latest.set(id, next);
        messages.put(next).catch(quiet);
      }
      if (dequeue && entry.order !== undefined) outbox.delete(entry.order).catch(quiet);
      done.push({ conversation: entry.conversation, moved: next });
    }
    await tx.done;
    return done;
  }

  async delete(conversation: string, id: string): Promise<void> {
    await (await this.db()).delete('messages', [conversation, id]);
  }

  async cursor(conversation: string): Promise<Cursor | undefined> {
    return (await (await this.db()).get('cursors', conversation))?.cursor;
  }

  /** The server cursor of the oldest message that has one: where paging back starts. */
  async oldestCursor(conversation: string): Promise<Cursor | undefined> {
    const db = await this.db();
    const range = IDBKeyRange.bound([conversation, -Infinity], [conversation, Infinity]);
    let cursor = await db.transaction('messages').store.index('by-conversation-order').openCursor(range);
    while (cursor && cursor.value.cursor === undefined) cursor = await cursor.continue();
    return cursor?.value.cursor;
  }

  /** Newest first in the server's order, strictly before `before`; own unconfirmed ones come first. */
  async page(conversation: string, before?: HistoryCursor, limit = 50): Promise<HistoryPage> {
    const db = await this.db();
    const upper = before ? [conversation, before.order, before.id] : [conversation, Infinity];
    const range = IDBKeyRange.bound([conversation, -Infinity], upper, false, true);
    const index = db.transaction('messages').store.index('by-conversation-order');
    // Three requests, not one per message (each is a round trip to the browser's storage):
    // a key cursor from the newest jumps to the one past the page, which bounds one getAll.
    let edge = await index.openKeyCursor(range, 'prev');
    if (edge && limit > 0) edge = await edge.advance(limit);
    const page = edge ? IDBKeyRange.bound(edge.key, upper, true, true) : range;
    const messages = (await index.getAll(page)).reverse();
    return { messages: messages.slice(0, limit), more: edge !== null, serverMore: false };
  }
}

type Tx = IDBPTransaction<ParleySchema, ('messages' | 'cursors')[], 'readwrite'>;

/**
 * Gives a place, before `message`'s, to the own messages written before it that still wait for
 * theirs. The outbox sends a room's messages in written order, so the server got them first;
 * but where the place comes from the order of confirmations (no sequence number), a peer's
 * receipt or read marker for a later message (XEP-0184, XEP-0333) can overtake their acks, or a
 * dropped link can delay them, and they would land after it. Their status does not change.
 * `moved` holds records this transaction changed already (a batch of acks), which win over
 * what the index still says.
 */
async function placeEarlierOwn(
  message: ChatMessage,
  place: (m: ChatMessage) => Promise<number>,
  tx: BatchTx,
  moved?: Map<string, ChatMessage>,
): Promise<void> {
  const { conversation } = message;
  const store = (tx as unknown as Tx).objectStore('messages');
  const earlier = IDBKeyRange.bound([conversation, PENDING_BASE], [conversation, message.order, message.id], false, true);
  const waiting = (await store.index('by-conversation-order').getAll(earlier))
    .map((m) => moved?.get(m.id) ?? m)
    .filter((m) => m.mine && isPending(m.order) && (m.status === 'queued' || m.status === 'sending'));
  for (const m of waiting) {
    const placed = { ...m, order: await place(m) };
    moved?.set(m.id, placed);
    store.put(placed).catch(quiet);
  }
}

/** The message's place in the server's order: see worker/order.ts. */
async function placeOf(tx: Tx, message: Pick<ChatMessage, 'conversation' | 'cursor'>, place: Place): Promise<number> {
  if (message.cursor?.kind === 'seq') return message.cursor.seq;
  const { conversation } = message;
  const confirmed = IDBKeyRange.bound([conversation, -Infinity], [conversation, PENDING_BASE], false, true);
  const edge = await tx.objectStore('messages').index('by-conversation-order').openKeyCursor(confirmed, place === 'newest' ? 'prev' : 'next');
  const order = edge ? (edge.key[1] as number) : 0;
  return place === 'newest' ? order + 1 : order - 1;
}

/** A write issued without waiting: its failure aborts the transaction, which `tx.done` reports. */
const quiet = (): undefined => undefined;

/** Statuses that mean the server has the message: it takes its place in the server's order. */
const CONFIRMED = new Set<MessageStatus>(['sent', 'delivered', 'read']);

type BatchTx = IDBPTransaction<ParleySchema, ('messages' | 'cursors')[] | ('messages' | 'cursors' | 'outbox')[], 'readwrite'>;

/**
 * placeOf() for many messages in one transaction: each conversation's edges are looked up once
 * and then kept here, as each message placed moves them.
 */
class Places {
  /** conversation → [oldest, newest] confirmed order known in this transaction. */
  readonly #edges = new Map<string, { oldest?: number; newest?: number }>();

  constructor(readonly tx: BatchTx) {}

  async of(message: Pick<ChatMessage, 'conversation' | 'cursor'>, place: Place): Promise<number> {
    const edges = this.#edges.get(message.conversation) ?? {};
    this.#edges.set(message.conversation, edges);
    let order: number;
    if (message.cursor?.kind === 'seq') order = message.cursor.seq;
    else {
      const edge = (edges[place] ??= await edgeOf(this.tx, message.conversation, place));
      order = place === 'newest' ? edge + 1 : edge - 1;
    }
    // What this message changes about the edges, for the next one (a seq as much as a count).
    if (edges.newest !== undefined) edges.newest = Math.max(edges.newest, order);
    if (edges.oldest !== undefined) edges.oldest = Math.min(edges.oldest, order);
    return order;
  }
}

/**
 * The stored records of a batch of arrivals (undefined where none). A message from someone
 * else with a relay sequence is stored at order = seq (worker/order.ts), so one read of the
 * order index over the batch's sequence range finds all of a conversation's known ones at
 * once; a burst costs one read, not one per message. Their records are not needed: a known
 * message from someone else is never written again. Our own (the echo places a pending one)
 * and messages without a sequence are read one by one, all issued at once.
 */
async function knownOf(tx: BatchTx, arrivals: readonly Arrival[]): Promise<(ChatMessage | undefined | 'known')[]> {
  const messages = (tx as unknown as Tx).objectStore('messages');
  const ranges = new Map<string, { min: number; max: number }>();
  const byRange = ({ message }: Arrival) => !message.mine && message.cursor?.kind === 'seq';
  for (const arrival of arrivals) {
    if (!byRange(arrival) || arrival.message.cursor?.kind !== 'seq') continue;
    const { seq } = arrival.message.cursor;
    const range = ranges.get(arrival.message.conversation);
    ranges.set(arrival.message.conversation, { min: Math.min(range?.min ?? seq, seq), max: Math.max(range?.max ?? seq, seq) });
  }
  const known = new Set<string>();
  const scans = [...ranges].map(async ([conversation, { min, max }]) => {
    // Index keys are [conversation, order, id]; an array sorts after every string id.
    const range = IDBKeyRange.bound([conversation, min], [conversation, max, []]);
    for (const [c, id] of await messages.index('by-conversation-order').getAllKeys(range)) known.add(`${c}\u0000${id}`);
  });
  const reads = arrivals.map((arrival) => (byRange(arrival) ? undefined : messages.get([arrival.message.conversation, arrival.message.id])));
  await Promise.all(scans);
  const records = await Promise.all(reads);
  return arrivals.map((arrival, i) =>
    byRange(arrival) ? (known.has(`${arrival.message.conversation}\u0000${arrival.message.id}`) ? 'known' : undefined) : records[i],
  );
}

/** The order of the newest (or oldest) confirmed message of a conversation; 0 if it has none. */
async function edgeOf(tx: BatchTx, conversation: string, place: Place): Promise<number> {
  const confirmed = IDBKeyRange.bound([conversation, -Infinity], [conversation, PENDING_BASE], false, true);
  const store = (tx as unknown as Tx).objectStore('messages');
  const edge = await store.index('by-conversation-order').openKeyCursor(confirmed, place === 'newest' ? 'prev' : 'next');
  return edge ? (edge.key[1] as number) : 0;
}
