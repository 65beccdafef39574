import {
  Client,
  iqCallee as _iqCallee,
  iqCaller as _iqCaller,
  middleware as _middleware,
  resourceBinding as _resourceBinding,
  sasl as _sasl,
  saslPlain as _plain,
  SASLFactory,
  streamFeatures as _streamFeatures,
  streamManagement as _streamManagement,
  websocket as _websocket,
  type Entity,
  type IqCaller,
  type StreamManagement,
} from './lib.ts';
import { Bounces } from './bounces.ts';
import { Clock } from './clock.ts';

export interface SessionOptions {
  /** RFC 7395 endpoint. */
  service: string;
  domain: string;
  username: string;
  password: string;
  resource: string;
  /** ms allowed for each step of opening and closing the stream. */
  timeout: number;
}

export type XmppClient = Entity & {
  streamManagement: StreamManagement;
  iqCaller: IqCaller;
  /** Stops what xmpp.js still has running for this client: see {@link createClient}. */
  halt(): void;
};

/**
 * XEP-0198 resumption state that outlives one transport. The Connection makes a new transport
 * (so a new xmpp.js client) for every attempt, but resuming needs the previous stream's id, the
 * count of stanzas we handled (`h`, §4) and the stanzas the server has not acked yet (§4: they
 * are resent on resume). It lives in the connection's XMPP session (`XmppSession`), made
 * once per Connection by `transport.session()`, so it dies with the connection.
 */
export interface Resumable {
  id: string;
  inbound: number;
  outbound: number;
  queue: StreamManagement['outbound_q'];
}

/** Per-connection state of the XMPP transport (`TransportModule.session`). */
export interface XmppSession {
  resumable?: Resumable;
  clock: Clock;
  /** Where each sent message went, to tell a true bounce from a forged one. */
  bounces: Bounces;
  /**
   * Our XEP-0421 occupant id per MUC room (bare JID), from the room's self-presence: stable for
   * one account in one room, so it outlives each link and tells our messages from others'.
   */
  occupantIds: Map<string, string>;
  /**
   * Every room joined, canonical → the string the widget joined it by (the engine finds
   * conversations by that exact string). Per connection, not per link: a resumed stream
   * resends what the last one did not handle (XEP-0198 §5) before the rooms are joined again.
   */
  rooms: Map<string, string>;
  /**
   * Ids of our messages that a stream took unacked when the server lost it (a resume that
   * failed, XEP-0198 §5). The server may have died while it handled one: Prosody archives our
   * copy (`pre-message`) before the peer's (`message/bare`), so our archive's copy proves
   * nothing. A catch-up does not take it as their ack (./stream-handlers.ts), and the outbox
   * sends them again; receivers drop repeats by id. Each leaves the set when an ack comes for it.
   */
  unconfirmed: Set<string>;
}

export const newSession = (): XmppSession => ({ clock: new Clock(), bounces: new Bounces(), occupantIds: new Map(), rooms: new Map(), unconfirmed: new Set() });

/** Keeps what a later attempt needs to resume this stream; forgets a stream that was not resumable. */
export function remember(session: XmppSession, sm: StreamManagement): void {
  session.resumable = sm.id ? { id: sm.id, inbound: sm.inbound, outbound: sm.outbound, queue: [...sm.outbound_q] } : undefined;
}

/**
 * Forgets the stream for good: the next attempt starts a fresh session. Used when a message
 * the stream counted as handled (`h`) could not be stored: resuming would tell the server we
 * have it, and the MAM catch-up from the stored cursor fetches it again instead.
 */
export function forget(session: XmppSession): void {
  session.resumable = undefined;
}

/**
 * An xmpp.js client wired from its packages, as @xmpp/client does, minus what the engine owns
 * or a browser cannot use: no @xmpp/reconnect (xmpp.js would retry every 1 s; the engine backs
 * off), no TCP/TLS/DNS (@xmpp/client 0.14's browser map misses `node:dns`), and PLAIN as the
 * only SASL mechanism (SCRAM needs Node's crypto there), so use `wss://` in production.
 * SM's own periodic `<r/>` and dead-link timeout are off: the engine's heartbeat calls ping().
 * `halt()` stops SM's ack-request timer and every pending iq's timeout, for a released client.
 * It starts from saved resumption state, if any, so xmpp.js sends `<resume/>` (XEP-0198 §5).
 */
export function createClient(session: XmppSession, o: SessionOptions): XmppClient {
  const entity = new Client({ service: o.service, domain: o.domain, timeout: o.timeout });
  _websocket({ entity });
  const middleware = _middleware({ entity });
  const streamFeatures = _streamFeatures({ middleware });
  const iqCaller = _iqCaller({ middleware, entity });
  // RFC 6120 requires an answer to every iq get; XEP-0199 pings from the server get one here.
  _iqCallee({ middleware, entity }).get('urn:xmpp:ping', 'ping', () => ({}));
  const saslFactory = new SASLFactory();
  _plain(saslFactory);
  // Stream features run in the order they are registered: SASL, then SM (resume), then bind.
  _sasl({ streamFeatures, saslFactory }, (authenticate) => authenticate({ username: o.username, password: o.password }, 'PLAIN'));
  const listening = entity.listeners('disconnect');
  const sm = _streamManagement({ streamFeatures, entity, middleware });
  // SM clears its ack-request timers (and turns itself off) only on 'disconnect', which a
  // released client no longer hears: the transport removes every listener first.
  const smDisconnect = entity.listeners('disconnect').filter((l) => !listening.includes(l)) as (() => void)[];
  _resourceBinding({ streamFeatures, iqCaller }, o.resource);

  sm.timeout = 0;
  sm.requestAckInterval = 0;
  // Ask for acks soon after a message goes out; a burst still shares one <r/>.
  sm.requestAckDebounce = 100;
  const saved = session.resumable;
  if (saved) {
    session.resumable = undefined;
    Object.assign(sm, { id: saved.id, inbound: saved.inbound, outbound: saved.outbound, outbound_q: saved.queue });
  }
  // Without this, a request pending at release keeps its 30 s timeout, and then fails into
  // code (a catch-up, ./sync.ts) whose link has long gone.
  const halt = () => {
    smDisconnect.forEach((l) => l());
    for (const pending of iqCaller.handlers.values()) pending.reject(new Error('The link closed.'));
    iqCaller.handlers.clear();
  };
  return Object.assign(entity, { streamManagement: sm, iqCaller, halt });
}

const SM = 'urn:xmpp:sm:3';

/**
 * Calls `ready` once the stream can carry chat: on resume (XEP-0198 §5), or after a fresh
 * session has SM enabled. xmpp.js reports `online` on resource binding, before it sends
 * <enable/> (XEP-0198 §3); a message sent in between would never be counted, nor acked.
 */
export function whenReady(xmpp: XmppClient, ready: (resumed: boolean) => void): void {
  let smOffered = false;
  let awaitingSm = false;
  xmpp.on('element', (element) => {
    if (element.is('features', 'http://etherx.jabber.org/streams')) smOffered = element.getChild('sm', SM) !== undefined;
    if (awaitingSm && (element.is('enabled', SM) || element.is('failed', SM))) {
      awaitingSm = false;
      ready(false);
    }
  });
  xmpp.on('online', () => {
    if (smOffered) awaitingSm = true;
    else ready(false);
  });
  xmpp.streamManagement.on('resumed', () => ready(true));
}
