import { ProtocolError } from '../../errors.ts';
import { checkInbound, INBOUND_LIMITS } from '../inbound.ts';
import type { InboundMessage, OutgoingMessage } from '../transport.ts';

/**
 * The JSON payload of a Parley chat message on MQTT (docs/mqtt.md):
 * `{"id": "<uuid>", "from": "Ann", "text": "Hello", "ts": 1700000000000, "attachments": []}`.
 * UTF-8 JSON, as MQTT 3.1.1 §3.3.3 leaves the payload format to the application.
 */
export interface WireAttachment {
  url: string;
  name?: string;
  type?: string;
  /** In bytes. */
  size?: number;
  /** Images and videos, in pixels. */
  width?: number;
  height?: number;
  /** Audio and video, in ms. */
  duration?: number;
  /** A small `data:image/` URL (docs/attachments.md). */
  preview?: string;
}

export interface ChatPayload {
  /** The sender's client id (`crypto.randomUUID()`): the dedup key. */
  id: string;
  /** The sender's user id: only as trustworthy as the broker's ACLs (docs/mqtt.md, docs/identity.md). */
  from: string;
  /** The sender's display name, when it differs from `from`. */
  name?: string;
  text: string;
  /** Creation time, ms since the epoch. */
  ts: number;
  attachments?: WireAttachment[];
}

export interface TypingPayload {
  from: string;
  name?: string;
  typing: boolean;
}

/** Largest payload accepted, in bytes; the same bound as the JSON relay's frames. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** Sender shown for a message whose publisher did not say who it is. */
export const UNKNOWN_SENDER = 'MQTT client';

/** The fields that mark a JSON object as a Parley payload, which must then be well formed. */
const OUR_FIELDS = ['id', 'from', 'text', 'ts', 'attachments'] as const;

/** `warning`: the value is kept without something it carried (worker/transports/inbound.ts). */
export type Parsed<T> = { ok: true; value: T; warning?: ProtocolError } | { ok: false; error: ProtocolError } | { ok: 'ignore' };

const bad = (reason: string) => new ProtocolError('bad-payload', `Ignored a payload: ${reason}.`);

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export const encodeChat = (m: OutgoingMessage): Uint8Array =>
  encoder.encode(JSON.stringify({ id: m.id, from: m.from, name: m.name, text: m.text, ts: m.ts, attachments: m.attachments ?? [] } satisfies ChatPayload));

export const encodeTyping = (t: TypingPayload): Uint8Array => encoder.encode(JSON.stringify(t));

function decode(payload: Uint8Array): Parsed<string> {
  if (payload.byteLength > MAX_PAYLOAD_BYTES)
    return { ok: false, error: bad(`payload of ${payload.byteLength} bytes exceeds ${MAX_PAYLOAD_BYTES}`) };
  // A zero-byte payload deletes a retained message (§3.3.1.3); it is not chat.
  if (payload.byteLength === 0) return { ok: 'ignore' };
  try {
    return { ok: true, value: decoder.decode(payload) };
  } catch {
    return { ok: false, error: bad('payload is not valid UTF-8') };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON value of `text`, or undefined when it is not JSON. */
function readJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A chat payload in `room`, checked against the one inbound schema (worker/transports/inbound.ts).
 * Plain text, or JSON that has none of Parley's fields, is a message from another MQTT client:
 * shown as text, under a generated id, at its arrival time. JSON that has any of our fields is
 * a Parley message: a missing `id` is generated, a missing `from` is {@link UNKNOWN_SENDER}, a
 * missing or absurd `ts` is the arrival time (`tsReplaced`); a field of the wrong type refuses it.
 */
export function parseChat(payload: Uint8Array, room: string, now: number): Parsed<InboundMessage> {
  const text = decode(payload);
  if (text.ok !== true) return text;
  const value = readJson(text.value);
  const rules = { now, unknownSender: UNKNOWN_SENDER };
  const checked =
    !isObject(value) || !OUR_FIELDS.some((f) => f in value)
      ? checkInbound({ id: crypto.randomUUID(), room, from: UNKNOWN_SENDER, text: text.value, ts: now }, rules)
      : value.attachments !== undefined && !(Array.isArray(value.attachments) && value.attachments.every(isAttachment))
        ? { ok: false as const, error: bad('"attachments" must be an array of objects with a string "url"') }
        : checkInbound({ id: value.id ?? crypto.randomUUID(), room, from: value.from, name: value.name, text: value.text, ts: value.ts, attachments: value.attachments }, rules);
  if (!checked.ok) return checked;
  return checked.warning ? { ok: true, value: checked.message, warning: checked.warning } : { ok: true, value: checked.message };
}

const isAttachment = (a: unknown): a is WireAttachment =>
  isObject(a) &&
  typeof a.url === 'string' &&
  (a.name === undefined || typeof a.name === 'string') &&
  (a.type === undefined || typeof a.type === 'string') &&
  (a.size === undefined || typeof a.size === 'number');

export function parseTyping(payload: Uint8Array): Parsed<TypingPayload> {
  const text = decode(payload);
  if (text.ok !== true) return text;
  const value = readJson(text.value);
  if (!isObject(value) || typeof value.from !== 'string' || value.from.length > INBOUND_LIMITS.name || typeof value.typing !== 'boolean')
    return { ok: false, error: bad('typing payload needs JSON with a string "from" and a boolean "typing"') };
  const parsed: TypingPayload = { from: value.from, typing: value.typing };
  if (typeof value.name === 'string' && value.name && value.name.length <= INBOUND_LIMITS.name) parsed.name = value.name;
  return { ok: true, value: parsed };
}
