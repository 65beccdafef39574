import type { ChatMessage, Gap } from '../../worker/api.ts';
import { dayKey, validTime } from '../i18n/dates.ts';

/** One line of the list: a message, or a place where messages may be missing. */
export type Row = MessageRow | GapRow;

/** A message, with what the line before it decides about its look. */
export interface MessageRow {
  key: string;
  message: ChatMessage;
  gap?: undefined;
  /** The message's day, when it differs from the line before (a day separator goes above). */
  dayStart?: number;
  /** First of a run from one sender: the sender's name shows. */
  groupStart: boolean;
}

/** "Some messages may be missing here" (the engine's `gap` event, docs/mqtt.md). */
export interface GapRow {
  key: string;
  gap: Gap;
  message?: undefined;
}

/** Consecutive messages from one sender within this gap (ms) form one group. */
const GROUP_GAP = 5 * 60_000;

/** A message's place in the list; one without a usable order goes last rather than break the sort. */
const place = (m: ChatMessage): number => (typeof m.order === 'number' && !Number.isNaN(m.order) ? m.order : Number.MAX_VALUE);

/**
 * List order: the engine's `order`, the server's order of the conversation (worker/order.ts),
 * the same for every visitor; own messages the server has not taken yet come last, in the
 * order they were written. Never by time: clocks differ, and a millisecond holds many messages.
 * Equal orders keep the order the engine handed them over (Array.prototype.sort is stable).
 */
export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  return place(a) - place(b);
}

/**
 * Builds the lines for sorted messages, with a gap line before the first message placed after
 * each gap. Never throws: a message with fields of the wrong type still gets a line (which will
 * say it is unreadable) and does not disturb its neighbours.
 */
export function buildRows(messages: readonly ChatMessage[], gaps: readonly Gap[] = []): Row[] {
  const builder = new RowBuilder([], gaps);
  messages.forEach((message, index) => builder.add(message, index));
  return builder.end();
}

/** The lines built for some messages and gaps, for `rowsFor` to go on from. */
export interface BuiltRows {
  messages: readonly ChatMessage[];
  gaps: readonly Gap[];
  rows: Row[];
}

/**
 * The lines for `messages`, as buildRows gives them. When `messages` only adds to the end of
 * what `previous` was built from (each new message, the usual change), the lines of those
 * before are kept and only the new ones are built: a new message costs one line, not the
 * whole list again (bench item 3). Anything else is built afresh.
 */
export function rowsFor(messages: readonly ChatMessage[], gaps: readonly Gap[], previous?: BuiltRows): BuiltRows {
  const builder = previous && continued(previous, messages, gaps);
  if (!builder) return { messages, gaps, rows: buildRows(messages, gaps) };
  for (let index = previous.messages.length; index < messages.length; index++) builder.add(messages[index]!, index);
  return { messages, gaps, rows: builder.end() };
}

/**
 * A builder that goes on after `previous`'s last line, or undefined when `messages` is not
 * `previous.messages` with more after it. Also undefined when the last line is a gap (gaps
 * placed after every message: a new message may go before them) or a message without a usable
 * time (the day to compare with is an earlier line's): rare, and built afresh.
 */
function continued(previous: BuiltRows, messages: readonly ChatMessage[], gaps: readonly Gap[]): RowBuilder | undefined {
  const before = previous.messages;
  const last = previous.rows.at(-1);
  if (!sameItems(gaps, previous.gaps) || messages.length <= before.length || !last?.message || last.message !== before.at(-1)) return undefined;
  const ts = validTime(last.message.ts);
  if (ts === undefined) return undefined;
  if (!sameItems(messages.slice(0, before.length), before)) return undefined;
  // Every gap is drawn already (none after the last message), so none is pending.
  return new RowBuilder([...previous.rows], [], { day: dayKey(ts), previous: last.message, previousTs: ts });
}

const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Where a build stands after its last line: what the next message is compared with. */
interface Tail {
  day?: string;
  previous?: ChatMessage;
  previousTs?: number;
}

/** Adds the lines of sorted messages one by one, each compared with the line before. */
class RowBuilder {
  readonly #rows: Row[];
  readonly #pending: Gap[];
  #tail: Tail;

  constructor(rows: Row[], gaps: readonly Gap[], tail: Tail = {}) {
    this.#rows = rows;
    this.#pending = [...gaps].sort((a, b) => a.order - b.order);
    this.#tail = tail;
  }

  add(message: ChatMessage, index: number): void {
    this.#gapsBefore(place(message));
    const { day, previous, previousTs } = this.#tail;
    const ts = validTime(message?.ts);
    const key = typeof message?.id === 'string' && message.id ? message.id : `#${index}`;
    const thisDay = ts === undefined ? undefined : dayKey(ts);
    const dayStart = thisDay !== undefined && thisDay !== day ? ts : undefined;
    const groupStart =
      !previous ||
      dayStart !== undefined ||
      previous.mine !== message?.mine ||
      previous.from !== message?.from ||
      // A sender who renamed themselves starts a new run, so that the new name shows.
      previous.name !== message?.name ||
      ts === undefined ||
      previousTs === undefined ||
      ts - previousTs > GROUP_GAP;
    this.#rows.push({ key, message, dayStart, groupStart });
    this.#tail = { day: thisDay ?? day, previous: message, previousTs: ts };
  }

  end(): Row[] {
    this.#gapsBefore(Infinity);
    return this.#rows;
  }

  #gapsBefore(order: number): void {
    while (this.#pending.length && this.#pending[0]!.order < order) {
      const gap = this.#pending.shift()!;
      this.#rows.push({ key: `gap:${gap.order}`, gap });
      // The message after a gap starts a new group: the gap line sits between them.
      this.#tail = { ...this.#tail, previous: undefined };
    }
  }
}
