import type { ChatMessage } from '../../worker/api.ts';
import { dayKey, validTime } from '../i18n/dates.ts';

/** One line of the list: a message, with what the line before it decides about its look. */
export interface Row {
  key: string;
  message: ChatMessage;
  /** The message's day, when it differs from the line before (a day separator goes above). */
  dayStart?: number;
  /** First of a run from one sender: the sender's name shows. */
  groupStart: boolean;
}

/** Consecutive messages from one sender within this gap (ms) form one group. */
const GROUP_GAP = 5 * 60_000;

/** Own messages the server has not yet taken: shown last, in the order they were written. */
const pending = (m: ChatMessage): boolean =>
  m.mine && (m.status === 'queued' || m.status === 'sending' || m.status === 'failed');

/**
 * List order: by time, own unsent messages last. Messages of the same millisecond keep the order
 * in which the engine handed them over (Array.prototype.sort is stable): a random id must not
 * shuffle them. One order for everyone (the server's) is the engine's to give (issue 9). A
 * message whose time is unusable sorts last rather than breaking the comparison for the others.
 */
export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  const pa = pending(a) ? 1 : 0;
  const pb = pending(b) ? 1 : 0;
  if (pa !== pb) return pa - pb;
  return (validTime(a.ts) ?? Number.MAX_VALUE) - (validTime(b.ts) ?? Number.MAX_VALUE);
}

/**
 * Builds the lines for sorted messages. Never throws: a message with fields of the wrong type
 * still gets a line (which will say it is unreadable) and does not disturb its neighbours.
 */
export function buildRows(messages: readonly ChatMessage[]): Row[] {
  const rows: Row[] = [];
  let day: string | undefined;
  let previous: ChatMessage | undefined;
  let previousTs: number | undefined;
  messages.forEach((message, index) => {
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
  return rows;
}
