/**
 * Where a connection goes, who speaks on it, and the engine's options: what a widget gives the
 * engine (worker/api.ts re-exports it all). Every duration is in milliseconds.
 */

export const PROTOCOLS = ['websocket', 'mqtt', 'xmpp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Where a connection goes and who speaks on it. Same protocol + server list + user = same connection. */
export interface ConnectionConfig {
  protocol: Protocol;
  /** `ws://` or `wss://` URL of the relay, broker or XMPP WebSocket endpoint. */
  url: string;
  /**
   * Several URLs of one cluster, all of one protocol, tried in order; when given, `url` is
   * ignored. A dropped link or a failed attempt moves to the next URL at once; only a whole
   * round of failures waits out the backoff (worker/server-list.ts, docs/deploy.md).
   */
  urls?: string[];
  /**
   * Who speaks: a stable user id (relay, MQTT) or the bare JID (XMPP). Never a display name:
   * it decides which messages are the visitor's own (docs/identity.md).
   */
  user: string;
  /** The name others see (relay, MQTT). Default: `user`. XMPP shows the nickname instead. */
  name?: string;
  /** Relay only: hex HMAC-SHA256 of `user` with the relay's identity secret, made by the site's backend. */
  signature?: string;
  /** Password or token, where the server asks for one. */
  password?: string;
  /**
   * MQTT only: the topic under which each room is one level, without a trailing `/`.
   * Default `parley/rooms` (a room's messages on `parley/rooms/<room>`); see docs/mqtt.md.
   */
  topicPrefix?: string;
  /** XMPP: the server's domain, if not the domain of `user`'s JID. */
  domain?: string;
  /** XMPP: nickname in MUC rooms. Default: the local part of `user`'s JID. */
  nickname?: string;
  /** XMPP: JID of the HTTP File Upload service (XEP-0363). Default: found by service discovery. */
  uploadService?: string;
  /**
   * Relay and MQTT: where files are uploaded, by a `multipart/form-data` POST with one `file`
   * field; the server answers `{ url }` (docs/attachments.md). XMPP asks for a XEP-0363 slot instead.
   */
  uploadUrl?: string;
  /** Engine tuning; see {@link EngineOptions}. */
  options?: Partial<EngineOptions>;
}

/** Engine behaviour. Each connection takes the options of the first widget that opened it. */
export interface EngineOptions {
  /** Silence before the engine pings, in ms. Default 15 000. */
  heartbeatInterval: number;
  /** Time a ping may go unanswered before the link counts as dead, in ms. Default 5 000. */
  heartbeatTimeout: number;
  /** First reconnect delay ceiling, in ms. Default 500. */
  backoffBase: number;
  /** Largest reconnect delay, in ms. Default 30 000. */
  backoffCap: number;
  /** Reconnect attempts before giving up (`failed`). Default Infinity. */
  maxAttempts: number;
  /** Time a link must stay open before the attempt count resets, in ms. Default 10 000. */
  stableAfter: number;
  /** Time a connection lingers after its last tab leaves, in ms. Default 10 000. */
  idleGrace: number;
  /** Most messages the outbox holds per connection. Default 1 000. */
  outboxLimit: number;
  /** Longest message text, in characters. Default 10 000. */
  maxTextLength: number;
  /** Largest attachment, in bytes. Default 10 485 760 (10 MB). */
  maxFileSize: number;
}

/**
 * What a widget may change on its link without changing which conversation it shows
 * (`EngineApi.configure`). A setting left out, `null` or empty keeps the link's current one.
 */
export type LinkSettings = Pick<ConnectionConfig, 'password' | 'signature' | 'name' | 'nickname'>;

/** The server list: `urls` when given, else `url` alone. */
export const serverUrls = (c: Pick<ConnectionConfig, 'url' | 'urls'>): string[] => (c.urls?.length ? c.urls : [c.url]);

/**
 * Stable keys. Kept here so tab and engine agree on them without sharing code. A connection's
 * key names its whole server list, so it stays the same whichever node is in use.
 */
export const connectionKey = (c: Pick<ConnectionConfig, 'protocol' | 'url' | 'urls' | 'user'>): string =>
  `${c.protocol}|${serverUrls(c).join(' ')}|${c.user}`;
export const conversationKey = (connection: string, room: string): string => `${connection}#${room}`;
