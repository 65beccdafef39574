/**
 * The contract between a tab and the engine. Types only: the widget imports this module and
 * no engine code. Every duration is in milliseconds; every timestamp is ms since the epoch.
 */

import type { ConnectionState, StateReason } from './codes.ts';
import type { ChatMessage, Cursor, ErrorInfo, MeasuredMedia, MessageStatus, SendOptions, UploadProgress } from './api-messages.ts';
import type { EngineHealth, EngineStats, LinkHealth } from './api-health.ts';
import type { ConnectionConfig, LinkSettings } from './api-config.ts';

// Moved to sibling modules by topic; re-exported so that every caller keeps one entry point.
export { MESSAGE_STATUSES } from './api-messages.ts';
export type { Attachment, ChatMessage, Cursor, ErrorInfo, MeasuredMedia, MessageStatus, SendOptions, UploadProgress } from './api-messages.ts';
export type { EngineHealth, EngineStats, LinkHealth, StateRecord } from './api-health.ts';
export { PROTOCOLS, connectionKey, conversationKey, serverUrls } from './api-config.ts';
export type { ConnectionConfig, EngineOptions, LinkSettings, Protocol } from './api-config.ts';

export { CONNECTION_STATES, type ConnectionState } from './codes.ts';

/** What a protocol can do, asked by the engine and the widget instead of inferring from events. */
export interface Capabilities {
  /** What `Cursor` the transport reports, or `none`. */
  cursor: Cursor['kind'] | 'none';
  /** The server can page back through a room's older messages (`older()`). */
  serverHistory: boolean;
  /** Peers report delivery (`receipt(id, 'delivered')`; XMPP: XEP-0184). */
  receipts: boolean;
  /** Peers report that they read a message (`receipt(id, 'read')`; XMPP: XEP-0333). */
  readMarkers: boolean;
  /** The server offers upload slots (`uploadSlot()`; XMPP: XEP-0363). */
  upload: boolean;
  /**
   * The setting that names the visitor to the others: `name` (the relay's hello, MQTT payloads)
   * or `nickname` (XMPP rooms). The link takes it when it is made, so a new one makes the link
   * again (Connection.update).
   */
  senderName: 'name' | 'nickname';
}

export interface StateChange {
  connection: string;
  from: ConnectionState;
  to: ConnectionState;
  /** Why: `start`, `closed-by-server`, `heartbeat-timeout`, `network-offline`, `auth`… */
  reason: StateReason;
  /** Reconnect attempts since the link was last stable; on `open`, the one that succeeded (0 at first). */
  attempt: number;
  /** When the next attempt starts (ms since the epoch), while `reconnecting`. */
  nextRetryAt?: number;
  /** The server's or engine's explanation, when `failed`. */
  error?: ErrorInfo;
  /** The server URL in use (`open`) or being tried (`connecting`), one of the server list. */
  url?: string;
}

export type EngineEvent =
  | { type: 'message'; message: ChatMessage }
  /** An own message moved along worker/message-status.ts; `order` is its place once the server confirmed it. */
  | { type: 'status'; conversation: string; id: string; status: MessageStatus; order: number; error?: ErrorInfo }
  /**
   * The room is subscribed and live on the current link: what is sent now reaches it, and the
   * catch-up received before the join's answer is stored.
   */
  | { type: 'joined'; conversation: string }
  | { type: 'removed'; conversation: string; id: string }
  | { type: 'state'; change: StateChange }
  | { type: 'typing'; conversation: string; from: string; name?: string; typing: boolean }
  /** The server has nothing older than what it has sent for this conversation. */
  | { type: 'history-end'; conversation: string }
  | { type: 'error'; conversation?: string; error: ErrorInfo }
  /** A connection's figures changed: sent at most once a second per connection. */
  | { type: 'health'; health: LinkHealth }
  /** Bytes of an own message's files uploaded so far. */
  | { type: 'upload-progress'; progress: UploadProgress }
  /**
   * The visitor's read cursor moved (in any tab), or messages arrived after it: `unread` counts
   * others' messages after `read`, the order of the newest message seen.
   */
  | { type: 'unread'; conversation: string; read: number; unread: number }
  /** The conversation's draft changed in another tab. */
  | { type: 'draft'; conversation: string; text: string }
  /**
   * A new message from someone else that this browser should alert for (sound, Notification).
   * Sent to one tab only, a visible one if there is any, so that each message alerts once.
   */
  | { type: 'alert'; message: ChatMessage }
  /**
   * Messages may be missing before this point: the server had lost a session the engine
   * expected (MQTT: CONNACK `sessionPresent=0` on a reconnect; docs/mqtt.md, "Lost sessions").
   */
  | ({ type: 'gap' } & Gap)
  /**
   * Several events of one task, in order, as one message across the worker boundary
   * (worker/event-batch.ts). The engine client hands them to its listeners one by one, so a
   * listener of `engineClient().on` never sees this type.
   */
  | { type: 'batch'; events: EngineEvent[] };

/** A place in a conversation's list where messages may be missing (the `gap` event). */
export interface Gap {
  conversation: string;
  /** Its place among the messages' `order`s: after every message stored before it was noticed. */
  order: number;
  /** When the engine noticed it, ms since the epoch. */
  at: number;
}

export type EngineListener = (event: EngineEvent) => void;

export interface OpenResult {
  conversation: string;
  connection: string;
  state: StateChange;
  /** What the protocol can do: server history, receipts, read markers, uploads. */
  capabilities: Capabilities;
  /**
   * The room was live already (another tab had opened it): no `joined` event follows for it
   * until the link drops and comes back.
   */
  joined?: boolean;
  /** The newest page of history, as `history(conversation)` gives it, when `open` was asked for it. */
  page?: HistoryPage;
}

/** A place in a conversation's history: the oldest message shown, by `order` and, for ties, id. */
export interface HistoryCursor {
  order: number;
  id: string;
}

export interface HistoryPage {
  messages: ChatMessage[];
  /** Local history has older messages. */
  more: boolean;
  /** The server may have older messages than local history; a `history-end` event clears it. */
  serverMore: boolean;
  /** Places where messages may be missing, among this page's messages (the `gap` event). */
  gaps?: Gap[];
}

/** What a tab may call. One instance per tab, exposed over comlink. */
export interface EngineApi {
  /** Registers the tab. The tab must already hold the Web Lock `parley-tab:<tabId>`. */
  hello(tabId: string, listener: EngineListener): Promise<void>;
  /**
   * Joins a room on the connection for `config`, opening it if needed. With `withPage`, the
   * result also holds the newest page of history: a widget showing the room needs it at once,
   * and one call saves it a round trip to the engine. A connection that exists takes only the
   * credentials of `config`, not its name (`configure()` renames).
   */
  open(config: ConnectionConfig, room: string, withPage?: boolean): Promise<OpenResult>;
  /** This tab no longer shows the conversation. */
  leave(conversation: string): Promise<void>;
  /**
   * Stores the message, then sends it when the link is open. Rejects if it cannot be queued.
   * A repeat of a call with `options.id` returns the message the first one stored, and sends
   * nothing more.
   */
  send(conversation: string, text: string, options?: SendOptions): Promise<ChatMessage>;
  /**
   * Stores a message with files (and optional text) with its Blobs in the outbox, uploads them
   * in the engine, and sends the message once every file has a URL (docs/attachments.md).
   * `measured[i]`, if given, is what the tab measured of `files[i]` (video size and duration,
   * audio duration, a poster). Rejects if it cannot be queued: no file, a file over
   * `maxFileSize`, no upload URL or service. `upload-progress` events report the bytes;
   * `cancel()` aborts.
   */
  sendFiles(conversation: string, files: Blob[], text?: string, measured?: (MeasuredMedia | undefined)[], options?: SendOptions): Promise<ChatMessage>;
  /** Sends a `failed` message again. */
  retry(conversation: string, id: string): Promise<void>;
  /** Withdraws a message that is not yet sent, or failed; aborts and forgets its uploads. */
  cancel(conversation: string, id: string): Promise<void>;
  /** Newest first; only messages before `before` (the oldest one shown) when given. */
  history(conversation: string, before?: HistoryCursor, limit?: number): Promise<HistoryPage>;
  typing(conversation: string, typing: boolean): Promise<void>;
  /** Skips the backoff wait, or retries after `failed`. */
  reconnectNow(conversation: string): Promise<void>;
  /**
   * New credentials, display name or nickname for the conversation's link, which keeps its
   * rooms and messages; the newest settings win (docs/identity.md, "A new name"). A new name or
   * nickname makes the link again at once, as the server took the old one when it was made.
   */
  configure(conversation: string, settings: LinkSettings): Promise<void>;
  /** The tab saw `online` or became visible: check the link at once, skip a backoff wait. */
  wake(reason: 'network-online' | 'tab-visible'): Promise<void>;
  /** For diagnostics and tests. */
  stats(): Promise<EngineStats>;
  /** State, drops, round trips, traffic and outbox of every connection (docs/engine.md, "Health"). */
  health(): Promise<EngineHealth>;

  // Issue 9: read cursor, unread count, drafts and alerts, kept by the engine so that every tab
  // agrees (docs/engine.md, "Read cursor", "Drafts", "Alerts").
  /**
   * The visitor has seen the conversation up to `order` (a message's `order`). The cursor only
   * moves forward; an order at or before it is ignored. Sends a read marker where the protocol
   * has them (`capabilities.readMarkers`) and an `unread` event to every tab.
   */
  markRead(conversation: string, order: number): Promise<void>;
  /** The read cursor (`read`, an order; 0 before any) and the others' messages after it. */
  unread(conversation: string): Promise<UnreadCount>;
  /** The composer's unsent text for the conversation; '' when there is none. */
  draft(conversation: string): Promise<string>;
  /** Keeps the unsent text ('' deletes it) and sends a `draft` event to the other tabs. */
  setDraft(conversation: string, text: string): Promise<void>;
  /**
   * The tab became visible or hidden (`document.visibilityState`); `looking` lists the
   * conversations it shows on screen (an open panel, an inline box), for which nothing alerts.
   */
  visibility(visible: boolean, looking?: string[]): Promise<void>;
}

/** What `EngineApi.unread()` and the `unread` event report. */
export interface UnreadCount {
  /** The order of the newest message the visitor has seen; 0 before any. */
  read: number;
  /** Others' messages after `read`. */
  unread: number;
}
