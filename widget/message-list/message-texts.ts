import type { ChatMessage } from '../../worker/api.ts';
import type { DateFormats } from '../i18n/dates.ts';
import { linkify, type TextPart } from './linkify.ts';

/** What a message's line shows that takes work to produce: its times through Intl, its text split into links. */
export interface MessageTexts {
  /** The `<time>` element's `datetime`. */
  iso: string;
  /** Its title: date and time in full. */
  full: string;
  /** Its text: the time of day. */
  time: string;
  parts: TextPart[];
}

interface Kept extends MessageTexts {
  ts: number;
  text: string;
  dates: DateFormats;
}

/**
 * Kept per message object. The virtualiser draws every line in its range again whenever the
 * list changes (each new message), and formatting two times and parsing the text was most of
 * that (bench item 3's profile). Kept only while the time, text and language it came from are
 * the message's, so a changed one is worked out again.
 */
const kept = new WeakMap<ChatMessage, Kept>();

/** `m`'s texts; `ts` is its time, already checked (dates.ts, validTime). */
export function messageTexts(m: ChatMessage, ts: number, dates: DateFormats): MessageTexts {
  const known = kept.get(m);
  if (known && known.ts === ts && known.text === m.text && known.dates === dates) return known;
  const texts: Kept = { ts, text: m.text, dates, iso: new Date(ts).toISOString(), full: dates.full(ts), time: dates.time(ts), parts: linkify(m.text) };
  kept.set(m, texts);
  return texts;
}
