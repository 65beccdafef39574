import type { ConnectionConfig } from '../../api.ts';
import type { ErrorCode } from '../../codes.ts';
import { ProtocolError } from '../../errors.ts';
import type {
  CloseInfo,
  Cursor,
  FileInfo,
  InboundMessage,
  OutgoingMessage,
  Transport,
  TransportContext,
  TransportEvents,
  TransportModule,
  UploadSlot,
} from '../transport.ts';
import { domainOf, localOf, parseRoom, roomFor, type Peer } from './address.ts';
import { closeInfo } from './errors.ts';
import type { Mam } from './mam.ts';
import { chatStanza, type Self } from './message.ts';
import type { Receipts } from './receipts.ts';
import { createClient, forget, newSession, remember, whenReady, type XmppClient, type XmppSession } from './session.ts';
import { streamHandlers } from './stream-handlers.ts';
import { catchUp } from './sync.ts';
import { guardInbound } from './guard.ts';
import { upload } from './upload.ts';
import { xml, type Element } from './lib.ts';

const SM = 'urn:xmpp:sm:3';
const MUC = 'http://jabber.org/protocol/muc';
const CARBONS = 'urn:xmpp:carbons:2';
/** ms allowed for each step of opening or closing the stream; xmpp.js's 2 000 is tight under load. */
const STEP_TIMEOUT = 10_000;

/**
 * XMPP over WebSocket (RFC 7395) with xmpp.js; see docs/xmpp.md. The session (XEP-0198
 * resumption state, the ordering clock) is made once per Connection and outlives each link.
 */
export const transport: TransportModule<XmppSession> = {
  capabilities: { cursor: 'archive', serverHistory: true, receipts: true, readMarkers: true, upload: true, senderName: 'nickname' },
  session: newSession,
  create: (config, events, context, session) => new XmppTransport(config, events, context, session),
};

export class XmppTransport implements Transport {
  readonly #self: Self;
  readonly #domain: string;
  #xmpp?: XmppClient;
  #online = false;
  /** A message this stream counted as handled could not be stored: never resume this stream. */
  #unresumable = false;
  /** This stream resumed an earlier one (XEP-0198 §5) rather than starting afresh. */
  #resumed = false;
  /** Initial presence (RFC 6121 §4.2) sent on this stream. */
  #present = false;
  /** MUC rooms whose join presence went out on this stream. */
  readonly #joined = new Set<string>();
  #sync = catchUp(undefined, { deliver: () => undefined, fail: () => undefined, done: () => undefined });
  #mam?: Mam;
  #receipts?: Receipts;
  #upload?: (file: FileInfo) => Promise<UploadSlot>;
  /** Acks one-to-one messages by a ping where the stream has no XEP-0198 (./ping-acks.ts). */
  #pingAck?: (id: string) => void;

  constructor(
    readonly config: ConnectionConfig,
    readonly events: TransportEvents,
    readonly context: TransportContext,
    readonly session: XmppSession,
  ) {
    this.#domain = config.domain ?? domainOf(config.user);
    this.#self = { user: config.user, nickname: config.nickname ?? localOf(config.user), occupantIds: session.occupantIds };
  }

  open(): void {
    const xmpp = createClient(this.session, {
      service: this.config.url,
      domain: this.#domain,
      username: localOf(this.config.user),
      password: this.config.password ?? '',
      // Stable per browser profile, so carbons and presence name one device across reloads.
      resource: `parley-${this.context.deviceId.slice(0, 8)}`,
      timeout: STEP_TIMEOUT,
    });
    this.#xmpp = xmpp;
    guardInbound(xmpp, (problem) => this.events.error(new ProtocolError('bad-frame', problem)));
    const request = (iq: Element) => xmpp.iqCaller.request(iq);
    const handlers = streamHandlers({
      xmpp,
      session: this.session,
      self: this.#self,
      domain: this.#domain,
      events: this.events,
      request,
      store: (m) => this.#store(m),
      problem: (code, e) => this.#problem(code, e),
      ping: () => request(this.#pingStanza()),
    });
    ({ mam: this.#mam, receipts: this.#receipts, sync: this.#sync, pingAck: this.#pingAck } = handlers);
    this.#upload = upload(request, this.#domain, this.config.uploadService);

    whenReady(xmpp, (resumed) => {
      this.#resumed = resumed;
      this.#opened();
    });
    xmpp.on('element', () => this.events.activity());
    let streamError: Error | undefined;
    xmpp.on('error', (e) => (streamError ??= e.name === 'StreamError' ? e : undefined));
    xmpp.on('disconnect', () => this.#end(closeInfo(streamError)));
    xmpp.start().catch((e: unknown) => this.#end(closeInfo(streamError ?? e)));
  }

  join(given: string, after?: Cursor): void {
    const peer = parseRoom(given);
    const room = roomFor(peer);
    this.session.rooms.set(room, given);
    if (peer.kind === 'muc') this.#enter(peer);
    // The query goes out before initial presence: Prosody then skips offline delivery of what
    // the archive holds (mod_mam, "message/offline/broadcast"), so nothing comes twice.
    this.#sync.start(peer, room, after?.kind === 'archive' ? after.id : undefined);
    if (peer.kind === 'chat' && !this.#present) {
      this.#present = true;
      this.#send(xml('presence'));
    }
  }

  send(message: OutgoingMessage): void {
    const peer = parseRoom(message.room);
    // After a resume xmpp.js has already resent what the server had not acked (XEP-0198 §5).
    if (this.#resumed && this.#xmpp?.streamManagement.outbound_q.some((q) => q.stanza.attrs.id === message.id)) return;
    if (peer.kind === 'muc') this.#enter(peer);
    this.session.bounces.sent(message.id, peer.jid);
    this.#send(chatStanza(peer, message));
    // A room echoes our message back (the ack, in ./inbound.ts); a peer does not.
    if (peer.kind === 'chat' && !this.#xmpp?.streamManagement.enabled) this.#pingAck?.(message.id);
  }

  typing(room: string, typing: boolean): void {
    if (this.#receipts) this.#send(this.#receipts.typingStanza(parseRoom(room), typing));
  }

  markRead(room: string, id: string): void {
    const peer = parseRoom(room);
    // A room we have not entered on this stream would refuse the marker (XEP-0045 §7.4).
    if (this.#receipts && (peer.kind === 'chat' || this.#joined.has(peer.jid))) this.#send(this.#receipts.displayedStanza(peer, id));
  }

  /** Only an archive id is a place in MAM; the engine has none for a room whose messages all came without one. */
  older(given: string, before: Cursor, limit: number): void {
    if (before.kind !== 'archive') return;
    const peer = parseRoom(given);
    this.#mam?.older(peer, roomFor(peer), before.id, limit).catch((e) => this.#problem('mam', e));
  }

  /** XEP-0198 `<r/>` when stream management is on (answered by `<a/>`), else an XEP-0199 ping. */
  ping(): void {
    if (this.#xmpp?.streamManagement.enabled) return this.#send(xml('r', { xmlns: SM }));
    this.#xmpp?.iqCaller.request(this.#pingStanza()).catch(() => undefined);
  }

  /** XEP-0199 §4: a ping to our server. */
  #pingStanza(): Element {
    return xml('iq', { type: 'get', to: this.#domain, id: crypto.randomUUID() }, xml('ping', { xmlns: 'urn:xmpp:ping' }));
  }

  /** XEP-0363: a place to PUT a file and the URL to share. */
  uploadSlot(file: FileInfo): Promise<UploadSlot> {
    if (!this.#upload || !this.#online) return Promise.reject(new Error('not connected'));
    return this.#upload(file);
  }

  /**
   * Drops the socket without closing the stream: the server keeps the session resumable
   * (XEP-0198 §5), and the next attempt resumes it, with no gap, if it comes in time.
   */
  close(): void {
    this.#release();
  }

  #opened(): void {
    this.#online = true;
    this.#present = false;
    this.#joined.clear();
    // XEP-0280: copies of what our other devices send and receive.
    this.#send(xml('iq', { type: 'set', id: crypto.randomUUID() }, xml('enable', { xmlns: CARBONS })));
    this.events.open();
  }

  #enter(peer: Peer): void {
    if (this.#joined.has(peer.jid)) return;
    this.#joined.add(peer.jid);
    // XEP-0045 §7.2; no MUC history (§7.2.14): MAM fills the gap, with ids we can resume from.
    this.#send(
      xml('presence', { to: `${peer.jid}/${this.#self.nickname}` }, xml('x', { xmlns: MUC }, xml('history', { maxstanzas: 0 }))),
    );
  }

  #send(stanza: Element): void {
    this.#xmpp?.send(stanza).catch(() => undefined);
  }

  #problem(code: ErrorCode, e: unknown): void {
    this.events.error(new ProtocolError(code, e instanceof Error ? e.message : String(e)));
  }

  /**
   * Hands a message to the engine. If it could not be stored, this stream has already counted
   * it as handled (XEP-0198 `h`), so resuming it would lose the message: forget the stream and
   * end it. The next link starts a fresh session, and its MAM catch-up, from the cursor the
   * engine did store, fetches the message again.
   */
  #store(message: InboundMessage): void {
    this.events.message(message).catch((e: unknown) => {
      this.#unresumable = true;
      forget(this.session);
      this.#end({ code: 'storage', reason: `A message could not be stored, so it will be fetched again from the archive: ${e}`, fatal: false });
    });
  }

  #end(info: CloseInfo): void {
    this.#release();
    this.events.close(info);
  }

  /**
   * Removes every listener and ends the link; idempotent. A stream worth resuming is only
   * dropped, so the server keeps it (XEP-0198 §5); one that must not be resumed is closed
   * (RFC 6120 §4.4), so the server ends that session now instead of holding it.
   */
  #release(): void {
    const xmpp = this.#xmpp;
    this.#xmpp = undefined;
    this.#online = false;
    if (!xmpp) return;
    // Before the resumption state is saved: what the catch-up held stays out of `h` (./handled.ts).
    this.#sync.stop();
    xmpp.removeAllListeners();
    xmpp.halt();
    xmpp.on('error', () => undefined);
    if (this.#unresumable) {
      forget(this.session);
      void xmpp.stop().catch(() => xmpp.socket?.end());
    } else {
      remember(this.session, xmpp.streamManagement);
      xmpp.socket?.end();
    }
  }
}
