import type { OutgoingMessage } from '../transport.ts';

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
}

export interface ChatPayload {
  /** The sender's client id (`crypto.randomUUID()`): the dedup key. */
  id: string;
  from: string;
  text: string;
  /** Creation time, ms since the epoch. */
  ts: number;
  attachments?: WireAttachment[];
}

export interface TypingPayload {
  from: string;
  typing: boolean;
}

/** Largest payload accepted, in bytes; the same bound as the JSON relay's frames. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** Sender shown for a message whose publisher did not say who it is. */
export const UNKNOWN_SENDER = 'MQTT client';

/** The fields that mark a JSON object as a Parley payload, which must then be well formed. */
const OUR_FIELDS = ['id', 'from', 'text', 'ts', 'attachments'] as const;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string } | { ok: 'ignore' };

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export const encodeChat = (m: OutgoingMessage): Uint8Array =>
  encoder.encode(JSON.stringify({ id: m.id, from: m.from, text: m.text, ts: m.ts, attachments: [] } satisfies ChatPayload));

export const encodeTyping = (t: TypingPayload): Uint8Array => encoder.encode(JSON.stringify(t));

function decode(payload: Uint8Array): Parsed<string> {
  if (payload.byteLength > MAX_PAYLOAD_BYTES)
    return { ok: false, reason: `payload of ${payload.byteLength} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  // A zero-byte payload deletes a retained message (§3.3.1.3); it is not chat.
  if (payload.byteLength === 0) return { ok: 'ignore' };
  try {
    return { ok: true, value: decoder.decode(payload) };
  } catch {
    return { ok: false, reason: 'payload is not valid UTF-8' };
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
 * A chat payload. Plain text, or JSON that has none of Parley's fields, is a message from
 * another MQTT client: shown as text, under a generated id. JSON that has any of our fields
 * must have them all of the right type, or it is refused.
 */
export function parseChat(payload: Uint8Array, now: number): Parsed<ChatPayload> {
  const text = decode(payload);
  if (text.ok !== true) return text;
  const value = readJson(text.value);
  if (!isObject(value) || !OUR_FIELDS.some((f) => f in value))
    return { ok: true, value: { id: crypto.randomUUID(), from: UNKNOWN_SENDER, text: text.value, ts: now } };
  const { id, from, text: body, ts, attachments } = value;
  if (typeof body !== 'string') return { ok: false, reason: '"text" must be a string' };
  if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > 128))
    return { ok: false, reason: '"id" must be a string of 1 to 128 characters' };
  if (from !== undefined && typeof from !== 'string') return { ok: false, reason: '"from" must be a string' };
  if (ts !== undefined && (typeof ts !== 'number' || !Number.isFinite(ts)))
    return { ok: false, reason: '"ts" must be a number of ms since the epoch' };
  if (attachments !== undefined && !(Array.isArray(attachments) && attachments.every(isAttachment)))
    return { ok: false, reason: '"attachments" must be an array of objects with a string "url"' };
  return {
    ok: true,
    value: {
      id: id ?? crypto.randomUUID(),
      from: from || UNKNOWN_SENDER,
      text: body,
      ts: ts ?? now,
      ...(attachments ? { attachments } : {}),
    },
  };
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
  if (!isObject(value) || typeof value.from !== 'string' || typeof value.typing !== 'boolean')
    return { ok: false, reason: 'typing payload needs JSON with a string "from" and a boolean "typing"' };
  return { ok: true, value: { from: value.from, typing: value.typing } };
}
