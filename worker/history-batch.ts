/**
 * History's batch writes: many inbound messages stored in one transaction (receiveMany), and
 * many own messages moved along the status table with the outbox (moveQueued). A burst then
 * costs one commit, not one per message (docs/engine.md, "Batching").
 */
import type { ChatMessage, ErrorInfo, MessageStatus } from './api.ts';
import { isPending, type Place } from './order.ts';
import { asMessage, queueOf, type ParleyDb, type StoredMessage } from './db.ts';
import { canMove, sourcesOf } from './message-status.ts';
import { CONFIRMED, EarlierOwn, edgeOf, Places, type Tx } from './history-places.ts';
import { advanced } from './sync-cursor.ts';
import { committed } from './commit.ts';
import { issuePut } from './issue-put.ts';

/** One inbound message for {@link History.receiveMany}, and where it goes. */
export interface Arrival {
  message: Omit<ChatMessage, 'order'>;
  place: Place;
}

/** One status move for {@link History.moveQueued}: own message `id`, if it is queued. */
export interface QueuedMove {
  id: string;
  /** Its conversation, if the caller knows (it sent it): saves looking for it in the queue. */
  conversation?: string;
  to: MessageStatus;
  error?: ErrorInfo;
  also?: Partial<ChatMessage>;
  /**
   * The message as the outbox stored it, if the caller holds it (it is on the wire): an ack
   * that carries the relay's sequence then needs nothing read (see moveQueued).
   */
  sent?: ChatMessage;
}

/** What {@link History.moveQueued} did for one move. */
export interface QueuedMoved {
  /** The message's conversation; undefined if it was not queued. */
  conversation?: string;
  /** The message as stored after the move; undefined if the table did not allow it. */
  moved?: ChatMessage;
}

/**
 * {@link History.receive} for messages that arrived together, in one transaction: what a burst costs
 * is then one commit, not one per message. All are stored or none (the transaction aborts),
 * in arrival order; returns what to show for each, as receive() does. `placed` hears the
 * same list as soon as the batch knows it (its reads are done and its writes issued), before
 * the commit: the caller may show the messages then, and acknowledge them only once this
 * resolves. For each conversation in `edges`, `placed` also hears the order of its newest
 * confirmed message once this batch is stored (a relay conversation's highest sequence).
 */
export async function receiveMany(
  db: ParleyDb,
  arrivals: readonly Arrival[],
  placed: (shown: readonly (ChatMessage | undefined)[], newest: ReadonlyMap<string, number>) => void,
  edges: readonly string[],
  /** Called once the transaction exists: what is read from now on sees this batch stored. */
  begun: () => void,
): Promise<(ChatMessage | undefined)[]> {
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
    else if (known !== 'known' && isPending(known.order) && known.mine) show = echoed(known, message, await places.of(message, place));
    if (show) {
      written.set(key, show);
      issuePut(messages, show);
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
  for (const { record, changed } of moved.values()) if (changed && record) issuePut(cursors, record);
  placed(shown, newest);
  await tx.done;
  return shown;
}

/**
 * Our own message as its echo from the server leaves it: in its place in the server's order,
 * and, if it was still queued, `sent` and out of the queue. The server has it, as surely as
 * its ack would say (an MQTT broker forwards a QoS 1 publish only once it has taken it, MQTT
 * 3.1.1 §4.3.2; a MUC reflects only what it accepted, XEP-0045 §7.2.2), and the ack, which may
 * come later, then needs no write (Delivery.echoed). The echo's cursor is the one the ack would
 * have stored. A `failed` one (not queued) only takes its place.
 */
function echoed(known: StoredMessage, echo: Omit<ChatMessage, 'order'>, order: number): StoredMessage {
  if (!known.queue || !known.status || !canMove(known.status, 'sent')) return { ...known, order };
  return { ...asMessage(known), order, status: 'sent', ...(echo.cursor ? { cursor: echo.cursor } : {}) };
}

/**
 * {@link History.transition} for several own messages of connection `connection` at once, in one
 * transaction: each move applies only while the message is still queued (a cancel that deleted
 * it wins), and only along an edge of worker/message-status.ts. Each message found also leaves
 * the queue in the same write (the server confirmed or refused it), so its status and its
 * place in the queue can never disagree.
 *
 * `issued` hears what each move will do once every write is issued, before the commit: every
 * transaction made over the messages after that finds the moves done (IndexedDB runs them in
 * the order they were made), as with an add's write-behind (docs/engine.md). `fault`, for
 * tests, fails the commit after that, as a full disk does.
 */
export async function moveQueued(
  db: ParleyDb,
  connection: string,
  moves: readonly QueuedMove[],
  issued?: (done: readonly QueuedMoved[]) => void,
  fault?: () => Error | undefined,
): Promise<QueuedMoved[]> {
  const tx = db.transaction(['messages', 'cursors'], 'readwrite');
  const messages = tx.objectStore('messages');
  const current = moves.every(fromMemory) ? moves.map(asQueued) : await queuedRecords(tx, connection, moves);
  const places = new Places(tx);
  const done: QueuedMoved[] = [];
  /** Moved by this batch: the same id twice (a repeated ack) finds it no longer queued. */
  const latest = new Map<string, StoredMessage>();
  const earlier = new EarlierOwn(tx, places, latest, current.filter((m): m is StoredMessage => !!m && isPending(m.order)));
  for (const [i, { id, to, error, also }] of moves.entries()) {
    const record = latest.get(id) ?? current[i];
    if (!record?.queue) {
      done.push({});
      continue;
    }
    const message = asMessage(record);
    let moved: StoredMessage | undefined;
    if (message.status && sourcesOf(to).includes(message.status)) {
      moved = { ...message, ...also, status: to, error };
      if (CONFIRMED.has(to) && isPending(message.order)) {
        if (moved.cursor?.kind !== 'seq') await earlier.before(message);
        moved.order = await places.of(moved, 'newest');
      }
    }
    const next = moved ?? message;
    latest.set(id, next);
    issuePut(messages, next);
    done.push({ conversation: message.conversation, moved });
  }
  issued?.(done);
  await committed(tx, fault?.());
  return done;
}

/**
 * A sequenced ack of a message the caller holds as it was stored: its place is the sequence, and
 * nothing else can have moved it meanwhile (the engine is the database's only writer; a cancel
 * is refused while it is on the wire, worker/withdraw.ts). So a batch of only these is written
 * without a read, and its writes are issued at once rather than behind the commits before it:
 * on the relay, an ack's `sent` reaches the tabs as it arrives (bench items 4 and 7).
 */
const fromMemory = (move: QueuedMove): boolean => !!move.sent && move.also?.cursor?.kind === 'seq';

/** The record `fromMemory` holds, as stored: its place in the queue is not needed, only that it has one. */
const asQueued = (move: QueuedMove): StoredMessage => ({ ...move.sent!, queue: ['', 0] });

/**
 * The stored records of a batch of moves (undefined where none). The server answers in the
 * order the outbox sent, so a batch's messages are mostly the oldest queued: one read of that
 * many from the queue finds them, and a request per message (its result crosses to the worker
 * one event each) is left for those it missed. A move without its conversation (an ack the link
 * did not send, a receipt) that it missed looks for its key among the queue's keys.
 */
async function queuedRecords(tx: Tx, connection: string, moves: readonly QueuedMove[]): Promise<(StoredMessage | undefined)[]> {
  const messages = tx.objectStore('messages');
  const queue = messages.index('by-queue');
  const oldest = new Map((await queue.getAll(queueOf(connection), moves.length)).map((m) => [m.id, m]));
  const found = (move: QueuedMove) => {
    const record = oldest.get(move.id);
    return record && (!move.conversation || record.conversation === move.conversation) ? record : undefined;
  };
  const records = moves.map(found);
  const keys = moves.some((m, i) => !records[i] && !m.conversation) ? await queue.getAllKeys(queueOf(connection)) : [];
  const keyOf = ({ id, conversation }: QueuedMove) => (conversation ? ([conversation, id] as [string, string]) : keys.find((key) => key[1] === id));
  const read = (move: QueuedMove) => {
    const key = keyOf(move);
    return key && messages.get(key);
  };
  return Promise.all(moves.map((move, i) => records[i] ?? read(move)));
}

/**
 * The stored records of a batch of arrivals (undefined where none). A message from someone
 * else with a relay sequence is stored at order = seq (worker/order.ts), so one read of the
 * order index over the batch's sequence range finds all of a conversation's known ones at
 * once; a burst costs one read, not one per message. Their records are not needed: a known
 * message from someone else is never written again. Our own (the echo places a pending one)
 * and messages without a sequence are read one by one, all issued at once.
 */
async function knownOf(tx: Tx, arrivals: readonly Arrival[]): Promise<(ChatMessage | undefined | 'known')[]> {
  const messages = tx.objectStore('messages');
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
