import type { Attachment, Capabilities, ConnectionConfig, Cursor } from '../api.ts';

export type { Capabilities, Cursor };
import type { ParleyError } from '../errors.ts';
import type { CloseCode } from '../codes.ts';

/**
 * A transport frames and parses one protocol. It keeps no retry, timer or queue policy: the
 * Connection owns heartbeat, backoff and the outbox, so they behave alike on every protocol.
 * After `close()`, or after it reported `close`, its events are ignored by the Connection
 * (one mechanism, in worker/connection.ts), so a transport need not guard them itself; it
 * should still stop its own work (sockets, timers).
 */
export interface Transport {
  /** Starts connecting; reports `open` or `close` later. Called once per instance. */
  open(): void;
  /**
   * Subscribes to a room. `after` is the newest cursor the engine stored for it, for catch-up.
   * Reports `joined(room)` once the room is live, and `caughtUp` where the protocol can: before
   * `joined` when the join's answer carries the cursor (JSON), later when catch-up is a query
   * of its own (XMPP MAM). The engine's `joined` event waits for what was queued to store.
   */
  join(room: string, after?: Cursor): void;
  /** Sends one chat message; its `id` comes back in `ack` or `reject`. */
  send(message: OutgoingMessage): void;
  typing(room: string, typing: boolean): void;
  /** Asks for messages older than `before`; they arrive as `message`s. Only if `capabilities.serverHistory`. */
  older(room: string, before: Cursor, limit: number): void;
  /** Sends something the server must answer; any answer counts as proof of life. */
  ping(): void;
  /** Closes without reporting `close`. */
  close(): void;
  /**
   * Only if `capabilities.readMarkers`: the visitor has read `room` up to the message `id` (and
   * everything before it, as XEP-0333 `displayed` means). Peers' markers come back as `receipt`.
   */
  markRead?(room: string, id: string): void;
  /** Only if `capabilities.upload`: a place to upload a file before sending its URL (XMPP: XEP-0363). */
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
  /** The sender's stable id (`ConnectionConfig.user`). */
  from: string;
  /** The sender's display name, where the protocol carries one (MQTT payloads). */
  name?: string;
  text: string;
  /** Uploaded files, each with its URL: the JSON `attachments` array, MQTT's payload, XMPP OOB (XEP-0066). */
  attachments?: Attachment[];
  ts: number;
}

/**
 * A message as it arrived, already checked against worker/transports/inbound.ts (bounded
 * strings, a sane time): a transport hands nothing else to the engine.
 */
export interface InboundMessage extends OutgoingMessage {
  /** Where this message sits in the room's server history, if the protocol has one. */
  cursor?: Cursor;
  /** The server's time was missing or absurd, so `ts` is the arrival time instead. */
  tsReplaced?: true;
  /**
   * From a page of older history (`older()`): placed before everything shown, so a page must
   * be reported newest first. Not needed where the cursor is a sequence number.
   */
  older?: true;
}

export interface CloseInfo {
  code: CloseCode;
  reason: string;
  /** The server refused us for good; reconnecting would only repeat the refusal. */
  fatal: boolean;
}

export interface TransportEvents {
  open(): void;
  /** Any inbound frame at all. */
  activity(): void;
  /** The room is subscribed and live: the relay's `joined`, MQTT SUBACK, XMPP MUC join or catch-up. */
  joined(room: string): void;
  /**
   * Resolves once the engine has stored the message, and rejects if it could not. A transport
   * acknowledges a message to the server only once it resolved (MQTT PUBACK), so a crash or a
   * storage failure in between loses nothing: the server sends it again. On a rejection the
   * Connection drops the link, and the transport must not let the server count the message
   * as delivered (no PUBACK; no XEP-0198 resumption of that stream).
   */
  message(message: InboundMessage): Promise<void>;
  ack(id: string, info: { cursor?: Cursor; ts?: number }): void;
  reject(id: string, error: ParleyError): void;
  /** `from` is the sender's id; `name` its display name, where the protocol carries one. */
  typing(room: string, from: string, typing: boolean, name?: string): void;
  /** The peer's client got (`delivered`) or showed (`read`) our message `id` (XMPP: XEP-0184, XEP-0333). */
  receipt(id: string, status: 'delivered' | 'read'): void;
  /** The server has no messages older than those it sent for `room`. */
  historyEnd(room: string): void;
  /**
   * The server has sent everything in `room` up to `cursor`, even if that was nothing: the
   * next catch-up starts there. Without it, a client that saw an empty room would miss what
   * was said there while it was away.
   */
  caughtUp(room: string, cursor: Cursor): void;
  /** Something went wrong that does not end the link, such as a malformed frame. */
  error(error: ParleyError): void;
  /**
   * The server no longer had the session this transport expected, so what was sent to the
   * visitor meanwhile may be lost (MQTT: CONNACK `sessionPresent=0` on a reconnect, §3.2.2.2).
   * Reported before `open`; the engine shows a gap in every room of the connection.
   */
  sessionLost?(): void;
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
  /** The engine's heartbeat, in ms, for protocols that announce a keepalive (MQTT CONNECT). */
  heartbeat: { interval: number; timeout: number };
}

/**
 * One protocol's chunk (worker/transports/<protocol>/index.ts). `S` is state that outlives one
 * link and dies with its connection, such as XEP-0198 resumption or an ordering clock: the
 * Connection makes it once with `session()` and passes it to every transport it creates.
 */
export interface TransportModule<S = unknown> {
  capabilities: Capabilities;
  session(): S;
  create(config: ConnectionConfig, events: TransportEvents, context: TransportContext, session: S): Transport;
}
