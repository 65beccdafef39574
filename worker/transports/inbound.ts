import { ProtocolError } from '../errors.ts';
import { checkAttachments } from './attachments.ts';
import type { Cursor, InboundMessage } from './transport.ts';

/**
 * The one schema of what an inbound message may hold. Every transport passes each message it
 * read through {@link checkInbound} before `events.message`, so the engine, IndexedDB and the
 * widget only ever see bounded strings and a time that `new Date(ts).toISOString()` can print.
 * What can be repaired is repaired (an absurd time, a missing sender, a bad cursor, unknown
 * fields); what cannot (no id, text that is not a string, an over-long field) is refused with a
 * `bad-message` error that names the field, and the link stays up.
 */
export const INBOUND_LIMITS = {
  /** Message ids, in characters (MQTT payloads and the JSON relay use UUIDs; XEP-0359 ids are opaque). */
  id: 128,
  /** Sender names, in characters. */
  name: 256,
  /** Room names, in characters: an XMPP room is a bare JID of up to 2 × 1023 bytes (RFC 7622 §3.1) plus `?join`. */
  room: 2_100,
  /**
   * Message text, in characters: the largest JSON frame (worker/transports/json/wire.ts) and
   * MQTT payload (worker/transports/mqtt/payload.ts) are 64 KiB, so no valid text is longer.
   */
  text: 64 * 1024,
  /** Archive ids (XEP-0313 §4.1), in characters. */
  archiveId: 256,
} as const;

/** The earliest time a message may carry, ms since the epoch (2000-01-01T00:00:00Z). */
export const EARLIEST_TS = Date.UTC(2000, 0, 1);
/** How far ahead of its arrival a message's time may be, in ms (24 h: any time zone or clock skew). */
export const MAX_FUTURE = 24 * 60 * 60 * 1000;

/** The fields a transport read, of any type, before the check. */
export interface RawInbound {
  id: unknown;
  room: unknown;
  from: unknown;
  /** The sender's display name, where the protocol carries one apart from the id. */
  name?: unknown;
  text: unknown;
  /** The server's or sender's time, ms since the epoch; anything else is replaced. */
  ts: unknown;
  cursor?: unknown;
  /** The message's files, checked by worker/transports/attachments.ts. */
  attachments?: unknown;
}

export interface InboundRules {
  /** Arrival time, ms since the epoch: the replacement for a time outside the window. */
  now: number;
  /** Shown as the sender when the message names none; each transport documents its own. */
  unknownSender: string;
}

/**
 * `warning`: something was dropped from a message that is kept (an attachment with a `javascript:`
 * URL, an oversized preview); the transport reports it as an `error` event.
 */
export type Checked = { ok: true; message: InboundMessage; warning?: ProtocolError } | { ok: false; error: ProtocolError };

const refuse = (reason: string): Checked => ({ ok: false, error: new ProtocolError('bad-message', `Ignored a message: ${reason}.`) });

const describe = (value: unknown): string =>
  value === undefined ? 'missing' : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? `${value.length} characters` : `a ${typeof value}`;

/** A time inside [2000-01-01, now + 24 h], or undefined. */
export function saneTime(ts: unknown, now: number): number | undefined {
  return typeof ts === 'number' && Number.isFinite(ts) && ts >= EARLIEST_TS && ts <= now + MAX_FUTURE ? ts : undefined;
}

/** A cursor of one of the two known kinds, with a bounded value, or undefined (the next catch-up starts earlier, which is harmless). */
function saneCursor(cursor: unknown): Cursor | undefined {
  if (typeof cursor !== 'object' || cursor === null) return undefined;
  const c = cursor as { kind?: unknown; seq?: unknown; id?: unknown };
  if (c.kind === 'seq' && typeof c.seq === 'number' && Number.isSafeInteger(c.seq) && c.seq >= 0) return { kind: 'seq', seq: c.seq };
  if (c.kind === 'archive' && typeof c.id === 'string' && c.id.length > 0 && c.id.length <= INBOUND_LIMITS.archiveId)
    return { kind: 'archive', id: c.id };
  return undefined;
}

const bounded = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

/**
 * Checks one inbound message and builds a fresh object from the known fields only, so nothing
 * a peer added (an `html` field, a prototype trick) travels further.
 */
export function checkInbound(raw: RawInbound, rules: InboundRules): Checked {
  if (!bounded(raw.id, INBOUND_LIMITS.id))
    return refuse(`"id" must be a string of 1 to ${INBOUND_LIMITS.id} characters, not ${describe(raw.id)}`);
  if (!bounded(raw.room, INBOUND_LIMITS.room))
    return refuse(`"room" must be a string of 1 to ${INBOUND_LIMITS.room} characters, not ${describe(raw.room)}`);
  if (typeof raw.text !== 'string') return refuse(`"text" must be a string, not ${describe(raw.text)}`);
  if (raw.text.length > INBOUND_LIMITS.text) return refuse(`"text" has ${raw.text.length} characters, more than ${INBOUND_LIMITS.text}`);
  const from = raw.from === undefined || raw.from === null || raw.from === '' ? rules.unknownSender : raw.from;
  if (!bounded(from, INBOUND_LIMITS.name))
    return refuse(`"from" must be a string of at most ${INBOUND_LIMITS.name} characters, not ${describe(raw.from)}`);
  const ts = saneTime(raw.ts, rules.now);
  const cursor = saneCursor(raw.cursor);
  const message: InboundMessage = { id: raw.id, room: raw.room, from, text: raw.text, ts: ts ?? rules.now };
  if (cursor) message.cursor = cursor;
  // A display name is a courtesy: one that is not a bounded string is dropped, not refused.
  if (bounded(raw.name, INBOUND_LIMITS.name) && raw.name !== from) message.name = raw.name;
  if (ts === undefined) message.tsReplaced = true;
  const { attachments, dropped } = checkAttachments(raw.attachments);
  if (attachments.length) message.attachments = attachments;
  if (!dropped.length) return { ok: true, message };
  const warning = new ProtocolError('bad-message', `Kept message ${raw.id} without some of its files: ${dropped.join('; ')}.`);
  return { ok: true, message, warning };
}
