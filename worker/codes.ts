/**
 * Every code that crosses a boundary, as closed unions: a widget can `switch` on a code, and a
 * string it has never seen cannot reach it. Codes that come from a server (a relay error, an
 * XMPP condition) are mapped to one of these by the transport; the server's own words stay in
 * the message. Types only, plus the lists, so the widget can import it.
 */

/** A connection's states (worker/connection-state.ts has the moves between them). */
export const CONNECTION_STATES = [
  'idle',
  'connecting',
  'open',
  'reconnecting',
  'offline',
  'failed',
  'closed',
] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/** Why a link closed (`CloseInfo.code`). */
export const CLOSE_CODES = [
  /** The server closed the link; worth a retry. */
  'closed-by-server',
  /** The socket failed or could not connect. */
  'network',
  /** The server refused the credentials. */
  'auth',
  /** No login mechanism in common (XMPP SASL, RFC 6120 §6.4.2). */
  'auth-mechanism',
  /** The server speaks another protocol version. */
  'version',
  /** The server banned this user. */
  'banned',
  /** A URL or option that no retry can fix. */
  'config',
  /** An XMPP stream error (RFC 6120 §4.9.3); the condition is in the reason. */
  'stream-error',
  /** An inbound message could not be stored; the link is dropped so the server sends it again. */
  'storage',
] as const;
export type CloseCode = (typeof CLOSE_CODES)[number];

/** Why the connection state changed (`StateChange.reason`). */
export const STATE_REASONS = [
  ...CLOSE_CODES,
  'created',
  'start',
  'connected',
  'backoff',
  /** The next URL of the server list, tried at once after one failed (worker/server-list.ts). */
  'failover',
  'retry-now',
  /** The visitor's name or nickname changed: the link is made again to tell the server (Connection.update). */
  'settings-changed',
  'network-online',
  'network-offline',
  'tab-visible',
  'closed-by-client',
  'heartbeat-timeout',
  'transport-load',
  'max-attempts',
] as const;
export type StateReason = (typeof STATE_REASONS)[number];

/** What an error is about (`ParleyError.code`, `ErrorInfo.code`). */
export const ERROR_CODES = [
  ...STATE_REASONS,
  // The caller asked for something the engine will not do.
  'empty',
  'too-long',
  'outbox-full',
  'not-cancellable',
  'unknown-conversation',
  // A file is over the size limit: the engine's `maxFileSize` or the upload server's (HTTP 413).
  'too-large',
  // The upload server or XMPP upload service refused a file for good (HTTP 4xx; XEP-0363 slot error).
  'upload-refused',
  'bad-order',
  'bad-draft',
  // A caller-picked message id that is malformed, or another sender's (SendOptions.id).
  'bad-id',
  'bad-visibility',
  // The server refused one message (`reject`).
  'not-joined',
  'refused',
  // The server slows our messages down (the relay's rate limit); they wait their turn there.
  'rate-limited',
  // Something arrived that we could not use; the link stays up.
  'bad-frame',
  'bad-payload',
  'bad-message',
  'subscribe-refused',
  'muc-join',
  'mam',
  // Storage.
  'storage-quota',
  // The tab could not start or reach the engine (widget/engine-client/start-error.ts).
  'engine-start',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Refusals that the same message would meet again: Retry cannot help, only Edit or Delete.
 * Everything else (a server hiccup, a room not yet joined) may pass on a retry.
 */
export const PERMANENT_REFUSALS: readonly ErrorCode[] = ['too-long', 'empty', 'refused', 'too-large', 'upload-refused'];

export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
