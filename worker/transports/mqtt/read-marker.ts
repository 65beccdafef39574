import { ProtocolError } from '../../errors.ts';
import { INBOUND_LIMITS } from '../inbound.ts';

/**
 * A read marker on `<prefix>/<room>/read` (docs/mqtt.md): `{"from": "<user id>", "id": "<message id>"}`,
 * UTF-8 JSON: `from` has read the room up to the message `id` and everything before it.
 */
export interface ReadPayload {
  from: string;
  id: string;
}

export const encodeRead = (r: ReadPayload): Uint8Array => new TextEncoder().encode(JSON.stringify({ from: r.from, id: r.id }));

/** The marker, or an error naming what is wrong with it. Small and flat, so no size bound beyond the fields'. */
export function parseRead(payload: Uint8Array): ReadPayload | ProtocolError {
  const bad = new ProtocolError('bad-payload', 'Ignored a payload: a read marker needs JSON with a string "from" and a string "id".');
  if (payload.byteLength > 4 * (INBOUND_LIMITS.name + INBOUND_LIMITS.id) + 64) return bad;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return bad;
  }
  const { from, id } = (value ?? {}) as { from?: unknown; id?: unknown };
  if (typeof from !== 'string' || !from || from.length > INBOUND_LIMITS.name || typeof id !== 'string' || !id || id.length > INBOUND_LIMITS.id)
    return bad;
  return { from, id };
}
