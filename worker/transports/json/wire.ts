/**
 * Parley's JSON protocol over WebSocket, version 1: one JSON object per text frame. The demo
 * relay speaks it, and a site's own backend can too. Shared by the engine and the relay.
 *
 * Client → server: hello (first), join, msg, older, typing, read, ping.
 * Server → client: welcome, msg, ack, joined, history-end, typing, read, pong, error.
 * `read` is a read marker: the sender has seen the room up to the message `id` and everything
 * before it. The server forwards it, with the reader's id in `from`, to the room's other sockets
 * and stores nothing; a marker is best-effort, and the next one covers a lost one.
 * `seq` is the server's sequence number, increasing across all rooms.
 *
 * Identity: `user` in hello is a stable user id, never a display name (`name`). A server that
 * knows a secret checks `signature`, the hex HMAC-SHA256 of `user` keyed with that secret, which
 * the site's own backend computes for a signed-in visitor (docs/identity.md). Messages carry the
 * sender's id in `from` and the name to show in `name`.
 */
import type { Attachment } from '../../api.ts';

export const JSON_PROTOCOL_VERSION = 1;

/** Largest frame either side accepts, in bytes. */
export const MAX_FRAME_BYTES = 64 * 1024;

export interface WireMessage {
  id: string;
  room: string;
  /** The sender's stable id: what tells one visitor from another. */
  from: string;
  /** The sender's display name, if it differs from `from`. */
  name?: string;
  /** May be '' when the message carries attachments. */
  text: string;
  ts: number;
  seq?: number;
  /** Uploaded files, each with an http(s) URL (worker/transports/attachments.ts; docs/attachments.md). */
  attachments?: Attachment[];
}

export type ClientFrame =
  | { type: 'hello'; v: number; user: string; name?: string; token?: string; signature?: string }
  | { type: 'join'; room: string; after?: number }
  | { type: 'msg'; id: string; room: string; text: string; ts: number; attachments?: Attachment[] }
  | { type: 'older'; room: string; before: number; limit: number }
  | { type: 'typing'; room: string; typing: boolean }
  /** The visitor has read `room` up to the message `id` (its client id). */
  | { type: 'read'; room: string; id: string }
  | { type: 'ping' };

export type ServerFrame =
  /** `verified`: the server checked the hello's signature, so `user` is who the site says it is. */
  | { type: 'welcome'; user: string; verified: boolean }
  | ({ type: 'msg' } & WireMessage & { seq: number })
  | { type: 'ack'; id: string; seq: number; ts: number }
  | { type: 'history-end'; room: string }
  /** Sent after a join's backlog: everything in the room up to `seq` has been sent. */
  | { type: 'joined'; room: string; seq: number }
  | { type: 'typing'; room: string; from: string; name?: string; typing: boolean }
  /** `from` (a user id) has read `room` up to the message `id`. */
  | { type: 'read'; room: string; from: string; id: string }
  | { type: 'pong' }
  /** `id` names the refused message; `fatal` means the server is closing the link for good. */
  | { type: 'error'; code: string; message: string; id?: string; fatal?: boolean };

/** Parses one frame, or returns a reason why it is not one. Never throws. */
export function parseFrame<T extends { type: string }>(data: unknown): T | string {
  if (typeof data !== 'string') return 'binary frames are not part of the protocol';
  if (data.length > MAX_FRAME_BYTES) return `frame of ${data.length} bytes exceeds ${MAX_FRAME_BYTES}`;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return 'frame is not valid JSON';
  }
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string')
    return 'frame has no "type"';
  return value as T;
}
