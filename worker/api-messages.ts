/**
 * The messages of the tab ⇄ engine contract: a chat message, its files, its status and its
 * place in server history. Types only, like worker/api.ts, which re-exports them.
 */

import type { ErrorCode } from './codes.ts';

export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'failed', 'delivered', 'read'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * A place in a room's server history, as the protocol names it. The engine stores the newest
 * one per conversation and hands it back to `join()` after a reconnect, to fetch what was missed.
 * - `seq`: the JSON relay's sequence number, which only grows (worker/transports/json/wire.ts).
 * - `archive`: an XMPP MAM archive id (XEP-0313 §4.1), opaque; the newest by time wins.
 * MQTT has none: a persistent session replays what was missed (docs/mqtt.md).
 */
export type Cursor = { kind: 'seq'; seq: number } | { kind: 'archive'; id: string };

/**
 * A file a message carries. The engine uploads it first and sends its URL (docs/attachments.md).
 * Everything here came from a peer as well as from us: the widget puts only http(s) URLs, and
 * the engine's own `data:image/` previews and `blob:` URLs, into `src` or `href`.
 */
export interface Attachment {
  /** Where the file can be fetched; '' until the upload has finished. */
  url: string;
  name: string;
  /** MIME type; '' when unknown. */
  type: string;
  /** Bytes. */
  size: number;
  /** Images and videos: intrinsic size in pixels, so the layout does not jump while they load. */
  width?: number;
  height?: number;
  /** Audio and video, in ms. */
  duration?: number;
  /** Images: a `data:image/` URL of about 2 KB at most; videos: a poster frame. Made by the engine. */
  preview?: string;
}

/**
 * What the tab measured of a file before handing it over, where the engine cannot: a worker has
 * no <video> or <audio> element, and no OfflineAudioContext (docs/attachments.md). The engine
 * keeps only bounded whole numbers and a small `data:image/` poster.
 */
export type MeasuredMedia = Partial<Pick<Attachment, 'width' | 'height' | 'duration' | 'preview'>>;

/** What `send()` and `sendFiles()` take besides the message. */
export interface SendOptions {
  /**
   * The new message's id, picked by the caller (`crypto.randomUUID()`): 1 to 100 visible ASCII
   * characters. Calling again with the same id is safe: if the first call stored the message,
   * the repeat returns it and sends nothing; if it only sent it, the repeat sends it under the
   * same id, which every receiver already has (docs/engine.md, "Sends"). Default: the engine
   * picks one, and a repeat is a new message.
   */
  id?: string;
}

/** An upload in progress, as `upload-progress` events report it. */
export interface UploadProgress {
  conversation: string;
  /** The message that carries the files. */
  id: string;
  /** Bytes sent so far and in all, over every file of the message. */
  sent: number;
  total: number;
}

/** One chat message as history and the UI see it. */
export interface ChatMessage {
  /** Client id (`crypto.randomUUID()`), set before the message is stored; the dedup key. */
  id: string;
  /** Conversation key, from `conversationKey` in worker/api.ts. */
  conversation: string;
  room: string;
  /** The sender's stable id; compare ids, never names. */
  from: string;
  /** The sender's display name, where it differs from `from`. Show `name ?? from`. */
  name?: string;
  /** Plain text. Never interpreted as HTML. May be '' when the message carries attachments. */
  text: string;
  /** Files the message carries, in the order the sender attached them. */
  attachments?: Attachment[];
  /** Creation time (own messages) or server time (others'), ms since the epoch. */
  ts: number;
  /**
   * Its place in the server's order of the conversation: sort by this, never by `ts`. Own
   * messages the server has not confirmed yet come after all others (worker/order.ts).
   */
  order: number;
  /** Where the message sits in the server's history, once known. */
  cursor?: Cursor;
  /** Own messages only. */
  status?: MessageStatus;
  /** Why the server refused it, when `status` is `failed`. */
  error?: ErrorInfo;
  mine: boolean;
}

/** A serialisable error, rebuilt on the tab's side. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}
