import { xml, type Element } from './xmpp-lib.ts';
import { connectionKey, type ConnectionConfig } from '../api.ts';
import { ProtocolError, ValidationError } from '../errors.ts';
import type {
  FileInfo,
  InboundMessage,
  OutgoingMessage,
  Transport,
  TransportContext,
  TransportEvents,
  TransportFactory,
  UploadSlot,
} from './transport.ts';
import { bare, domainOf, localOf, parseRoom, type Peer } from './xmpp-address.ts';
import { ordered } from './xmpp-clock.ts';
import { closeInfo } from './xmpp-errors.ts';
import { mam, type Mam } from './xmpp-mam.ts';
import { archiveId, chatStanza, delayStamp, readChat, type Self } from './xmpp-message.ts';
import { receipts, type Receipts } from './xmpp-receipts.ts';
import { createClient, remember, type XmppClient } from './xmpp-session.ts';
import { upload } from './xmpp-upload.ts';

const SM = 'urn:xmpp:sm:3';
const MUC = 'http://jabber.org/protocol/muc';
const CARBONS = 'urn:xmpp:carbons:2';
const FORWARD = 'urn:xmpp:forward:0';

/** XMPP over WebSocket (RFC 7395) with xmpp.js; see docs/xmpp.md. */
export const createTransport: TransportFactory = (config, events, context) => new XmppTransport(config, events, context);

export class XmppTransport implements Transport {
  readonly #key: string;
  readonly #self: Self;
  readonly #domain: string;
  #xmpp?: XmppClient;
  /** close() was called, or close was reported: report nothing more. */
  #done = false;
  #online = false;
  /** This stream resumed an earlier one (XEP-0198 §5) rather than starting afresh. */
  #resumed = false;
  /** Initial presence (RFC 6121 §4.2) sent on this stream. */
  #present = false;
  /** MUC rooms whose join presence went out on this stream. */
  readonly #joined = new Set<string>();
  /**
   * Live messages held back per room while its archive sync runs: the sync may take several
   * pages, and a live message must not be shown before older ones the next page brings.
   * Afterwards they follow in arrival order; those the archive already gave are duplicates.
   */
  readonly #held = new Map<string, InboundMessage[]>();
  #deliver: (m: InboundMessage) => void = () => undefined;
  #mam?: Mam;
  #receipts?: Receipts;
  #upload?: (file: FileInfo) => Promise<UploadSlot>;

  constructor(
    readonly config: ConnectionConfig,
    readonly events: TransportEvents,
    readonly context: TransportContext,
  ) {
    this.#key = connectionKey(config);
    this.#domain = config.domain ?? domainOf(config.user);
    this.#self = { user: config.user, nickname: config.nickname ?? localOf(config.user) };
  }

  open(): void {
    const xmpp = createClient(this.#key, {
      service: this.config.url,
      domain: this.#domain,
      username: localOf(this.config.user),
      password: this.config.password ?? '',
      // Stable per browser profile, so carbons and presence name one device across reloads.
      resource: `parley-${this.context.deviceId.slice(0, 8)}`,
      timeout: 10_000,
    });
    this.#xmpp = xmpp;
    const request = (iq: Element) => xmpp.iqCaller.request(iq);
    const send = (stanza: Element) => void xmpp.send(stanza).catch(() => undefined);
    const deliver = (m: InboundMessage) => this.events.message({ ...m, ts: ordered(`${this.#key}#${m.room}`, m.ts) });
    this.#deliver = deliver;
    this.#mam = mam({ request, self: this.#self, message: deliver, historyEnd: (room) => this.events.historyEnd(room) });
    this.#receipts = receipts({
      self: this.#self,
      send,
      receipt: (id, status) => this.events.receipt(id, status),
      typing: (room, from, typing) => this.events.typing(room, from, typing),
    });
    this.#upload = upload(request, this.#domain, this.config.uploadService);

    // xmpp.js reports `online` on bind, before it sends <enable/> (XEP-0198 §3); a message sent
    // in between would never be counted, nor acked. So open waits for <enabled/> or <failed/>.
    let smOffered = false;
    let awaitingSm = false;
    xmpp.on('element', (element) => {
      if (this.#done) return;
      this.events.activity();
      if (element.is('features', 'http://etherx.jabber.org/streams')) smOffered = element.getChild('sm', SM) !== undefined;
      if (awaitingSm && (element.is('enabled', SM) || element.is('failed', SM))) {
        awaitingSm = false;
        this.#opened();
      }
    });
    xmpp.on('online', () => {
      if (smOffered) awaitingSm = true;
      else this.#opened();
    });
    xmpp.streamManagement.on('resumed', () => {
      this.#resumed = true;
      this.#opened();
    });
    // XEP-0198 §4: the server has handled the stanza; for a chat message, that is our ack.
    xmpp.streamManagement.on('ack', (stanza) => {
      if (!this.#done && stanza.is('message') && stanza.getChild('body') && stanza.attrs.id) this.events.ack(stanza.attrs.id, {});
    });
    xmpp.on('stanza', (stanza) => this.#done || this.#stanza(stanza, deliver));
    let streamError: Error | undefined;
    xmpp.on('error', (e) => (streamError ??= e.name === 'StreamError' ? e : undefined));
    xmpp.on('disconnect', () => this.#end(closeInfo(streamError)));
    xmpp.start().catch((e: unknown) => this.#end(closeInfo(streamError ?? e)));
  }

  join(room: string, after?: number | string): void {
    const peer = parseRoom(room);
    if (peer.kind === 'muc') this.#enter(peer);
    // The query goes out before initial presence: Prosody then skips offline delivery of what
    // the archive holds (mod_mam, "message/offline/broadcast"), so nothing comes twice.
    if (!this.#held.has(room)) this.#sync(peer, room, typeof after === 'string' ? after : undefined);
    if (peer.kind === 'chat' && !this.#present) {
      this.#present = true;
      this.#send(xml('presence'));
    }
  }

  #sync(peer: Peer, room: string, after: string | undefined): void {
    if (!this.#mam) return;
    this.#held.set(room, []);
    const mam = this.#mam;
    mam
      .sync(peer, room, after)
      // One more page for 1:1: what arrived after the first query but before our initial
      // presence went to offline storage, which Prosody does not replay once we queried MAM.
      .then((last) => (peer.kind === 'chat' ? mam.sync(peer, room, last) : undefined))
      .catch((e) => this.#problem('mam', e))
      .finally(() => {
        const held = this.#held.get(room) ?? [];
        this.#held.delete(room);
        if (!this.#done) held.forEach(this.#deliver);
      });
  }

  send(message: OutgoingMessage): void {
    const peer = parseRoom(message.room);
    // After a resume xmpp.js has already resent what the server had not acked (XEP-0198 §5).
    if (this.#resumed && this.#xmpp?.streamManagement.outbound_q.some((q) => q.stanza.attrs.id === message.id)) return;
    if (peer.kind === 'muc') this.#enter(peer);
    this.#send(chatStanza(peer, message));
  }

  typing(room: string, typing: boolean): void {
    if (this.#receipts) this.#send(this.#receipts.typingStanza(parseRoom(room), typing));
  }

  older(room: string, before: number | string, limit: number): void {
    this.#mam?.older(parseRoom(room), room, before, limit).catch((e) => this.#problem('mam', e));
  }

  /** XEP-0198 `<r/>` when stream management is on (answered by `<a/>`), else an XEP-0199 ping. */
  ping(): void {
    if (this.#xmpp?.streamManagement.enabled) return this.#send(xml('r', { xmlns: SM }));
    this.#xmpp?.iqCaller
      .request(xml('iq', { type: 'get', to: this.#domain, id: crypto.randomUUID() }, xml('ping', { xmlns: 'urn:xmpp:ping' })))
      .catch(() => undefined);
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
    if (this.#done) return;
    this.#done = true;
    this.#release();
  }

  #opened(): void {
    if (this.#done) return;
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

  #stanza(stanza: Element, deliver: (m: InboundMessage) => void): void {
    if (!stanza.is('message')) return;
    if (this.#mam?.handle(stanza)) return;
    if (stanza.attrs.type === 'error') return this.#bounced(stanza);
    const carbon = this.#carbon(stanza);
    if (carbon) return this.#chat(carbon, deliver);
    if (this.#receipts?.handle(stanza)) return;
    this.#chat(stanza, deliver);
  }

  #chat(stanza: Element, deliver: (m: InboundMessage) => void): void {
    const muc = stanza.attrs.type === 'groupchat';
    const archive = muc ? bare(stanza.attrs.from) : bare(this.#self.user);
    const message = readChat(stanza, this.#self, delayStamp(stanza) ?? Date.now(), archiveId(stanza, archive));
    if (!message) return;
    const held = this.#held.get(message.room);
    if (held) held.push(message);
    else deliver(message);
    // A room echoes our own message back to us (XEP-0045 §7.4): proof that it was handled.
    if (muc && message.from === this.#self.user) this.events.ack(message.id, {});
  }

  /** XEP-0280 §8: only our own account may send carbons; anything else is a forgery. */
  #carbon(stanza: Element): Element | undefined {
    const wrapper = stanza.getChild('sent', CARBONS) ?? stanza.getChild('received', CARBONS);
    if (!wrapper || (stanza.attrs.from && bare(stanza.attrs.from) !== bare(this.#self.user))) return undefined;
    return wrapper.getChild('forwarded', FORWARD)?.getChild('message');
  }

  /** RFC 6120 §8.3: a message came back with an error; it fails with the condition. */
  #bounced(stanza: Element): void {
    const error = stanza.getChild('error');
    const condition = error?.getChildElements().find((c) => c.name !== 'text')?.name ?? 'undefined-condition';
    const text = error?.getChildText('text');
    const id = stanza.getChild('origin-id', 'urn:xmpp:sid:0')?.attrs.id ?? stanza.attrs.id;
    if (id && stanza.getChild('body'))
      this.events.reject(id, new ValidationError(condition, `The server refused the message (${condition})${text ? `: ${text}` : ''}.`));
  }

  #send(stanza: Element): void {
    this.#xmpp?.send(stanza).catch(() => undefined);
  }

  #problem(code: string, e: unknown): void {
    if (!this.#done) this.events.error(new ProtocolError(code, e instanceof Error ? e.message : String(e)));
  }

  #end(info: ReturnType<typeof closeInfo>): void {
    if (this.#done) return;
    this.#done = true;
    this.#release();
    this.events.close(info);
  }

  #release(): void {
    const xmpp = this.#xmpp;
    if (!xmpp) return;
    remember(this.#key, xmpp.streamManagement);
    xmpp.removeAllListeners();
    xmpp.on('error', () => undefined);
    xmpp.socket?.end();
  }
}

