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
  const rows: Row[] = [];
  let day: string | undefined;
  let previous: ChatMessage | undefined;
  let previousTs: number | undefined;
  const pending = [...gaps].sort((a, b) => a.order - b.order);
  const gapsBefore = (order: number) => {
    while (pending.length && pending[0]!.order < order) {
      const gap = pending.shift()!;
      rows.push({ key: `gap:${gap.order}`, gap });
      // The message after a gap starts a new group: the gap line sits between them.
      previous = undefined;
    }
  };
  messages.forEach((message, index) => {
    gapsBefore(place(message));
    const ts = validTime(message?.ts);
    const key = typeof message?.id === 'string' && message.id ? message.id : `#${index}`;
    const thisDay = ts === undefined ? undefined : dayKey(ts);
    const dayStart = thisDay !== undefined && thisDay !== day ? ts : undefined;
    const groupStart =
      !previous ||
      dayStart !== undefined ||
      previous.mine !== message?.mine ||
      previous.from !== message?.from ||
      ts === undefined ||
      previousTs === undefined ||
      ts - previousTs > GROUP_GAP;
    rows.push({ key, message, dayStart, groupStart });
    if (thisDay !== undefined) day = thisDay;
    previous = message;
    previousTs = ts;
  });
  gapsBefore(Infinity);
  return rows;
}
