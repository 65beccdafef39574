import type { ConnectionConfig } from '../api.ts';
import type { ParleyError } from '../errors.ts';

/**
 * A transport frames and parses one protocol. It keeps no retry, timer or queue policy: the
 * Connection owns heartbeat, backoff and the outbox, so they behave alike on every protocol.
 */
export interface Transport {
  /** Starts connecting; reports `open` or `close` later. Called once per instance. */
  open(): void;
  /** Subscribes to a room. `after` is the last sequence or archive id seen, for catch-up. */
  join(room: string, after?: number | string): void;
  /** Sends one chat message; its `id` comes back in `ack` or `reject`. */
  send(message: OutgoingMessage): void;
  typing(room: string, typing: boolean): void;
  /** Asks for messages older than `before` (a sequence number); they arrive as `message`s. */
  older(room: string, before: number | string, limit: number): void;
  /** Sends something the server must answer; any answer counts as proof of life. */
  ping(): void;
  /** Closes without reporting `close`. */
  close(): void;
  /** Where the protocol has one (XMPP: XEP-0363), a place to upload a file before sending its URL. */
  uploadSlot?(file: FileInfo): Promise<UploadSlot>;
}

export interface FileInfo {
  name: string;
  /** Bytes. */
  size: number;
  /** MIME type; '' when unknown. */
  type: string;
}

export interface UploadSlot {
  /** Where to HTTP PUT the bytes, with `headers`. */
  put: string;
  /** Where the file can be fetched afterwards; this URL goes into the message. */
  get: string;
  headers: Record<string, string>;
}

export interface OutgoingMessage {
  id: string;
  room: string;
  from: string;
  text: string;
  ts: number;
}

export interface InboundMessage extends OutgoingMessage {
  seq?: number | string;
}

export interface CloseInfo {
  /** A short stable code: `closed-by-server`, `network`, `auth`, `protocol`… */
  code: string;
  reason: string;
  /** The server refused us for good; reconnecting would only repeat the refusal. */
  fatal: boolean;
}

export interface TransportEvents {
  open(): void;
  /** Any inbound frame at all. */
  activity(): void;
  /**
   * Resolves once the engine has stored the message. A transport that can, acknowledges it to
   * the server only then (MQTT PUBACK), so a crash in between loses nothing: the server resends.
   */
  message(message: InboundMessage): void | Promise<void>;
  ack(id: string, info: { seq?: number | string; ts?: number }): void;
  reject(id: string, error: ParleyError): void;
  typing(room: string, from: string, typing: boolean): void;
  /** The peer's client got (`delivered`) or showed (`read`) our message `id` (XMPP: XEP-0184, XEP-0333). */
  receipt(id: string, status: 'delivered' | 'read'): void;
  /** The server has no messages older than those it sent for `room`. */
  historyEnd(room: string): void;
  /**
   * The server has sent everything in `room` up to `cursor`, even if that was nothing: the
   * next catch-up starts there. Without it, a client that saw an empty room would miss what
   * was said there while it was away.
   */
  caughtUp(room: string, cursor: number | string): void;
  /** Something went wrong that does not end the link, such as a malformed frame. */
  error(error: ParleyError): void;
  close(info: CloseInfo): void;
}

/** What the engine lends a transport besides its configuration. */
export interface TransportContext {
  /**
   * A random id for this browser profile and engine, stable across reloads and restarts
   * (kept in IndexedDB). Use it where the server wants a stable client identity, such as an
   * MQTT client id for a persistent session or an XMPP resource.
   */
  deviceId: string;
}

export type TransportFactory = (config: ConnectionConfig, events: TransportEvents, context: TransportContext) => Transport;
