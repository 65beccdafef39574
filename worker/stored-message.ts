import { MESSAGE_STATUSES, type ChatMessage } from './api.ts';
import { saneTime } from './transports/inbound.ts';

const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

export type Repaired = { ok: true; message: ChatMessage } | { ok: false; reason: string };

/**
 * Checks a message read back from IndexedDB (written by an older engine) and repairs what can
 * be repaired: an absurd time becomes `now`. `order` is its place (worker/order.ts). What cannot (a key or the text is not a string)
 * is reported, and the caller quarantines it. Keys are never changed: they are the record's
 * identity in the store.
 */
export function repairStored(record: Partial<ChatMessage> & Record<string, unknown>, now: number, order: number): Repaired {
  const { id, conversation, room, from, text: body, ts, status, mine } = record;
  if (!text(id, 256) || !id || !text(conversation, 4096)) return { ok: false, reason: 'no usable id or conversation' };
  if (!text(room, 4096) || !text(from, 1024) || !text(body, 1_000_000)) return { ok: false, reason: 'room, sender or text is not a string' };
  const message: ChatMessage = {
    id,
    conversation,
    room,
    from,
    text: body,
    ts: saneTime(ts, now) ?? now,
    order,
    mine: mine === true,
  };
  if (record.cursor) message.cursor = record.cursor;
  if (typeof status === 'string' && (MESSAGE_STATUSES as readonly string[]).includes(status)) message.status = status as ChatMessage['status'];
  if (record.error && typeof record.error === 'object') message.error = record.error;
  // Version 2 stored a refusal as a bare string.
  else if (typeof record.error === 'string') message.error = { code: 'refused', message: record.error };
  return { ok: true, message };
}
