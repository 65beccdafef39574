import type { ErrorCode } from '../../codes.ts';
import type { InboundMessage, TransportEvents } from '../transport.ts';
import { handledCount } from './handled.ts';
import { inbound } from './inbound.ts';
import type { Element } from './lib.ts';
import { mam } from './mam.ts';
import type { Self } from './message.ts';
import { pingAcks } from './ping-acks.ts';
import { receipts } from './receipts.ts';
import type { XmppClient, XmppSession } from './session.ts';
import { smAcks } from './sm-acks.ts';
import { catchUp } from './sync.ts';

/** What the handlers of one stream need of its transport (XmppTransport.open). */
export interface StreamDeps {
  xmpp: XmppClient;
  session: XmppSession;
  self: Self;
  /** Our server's domain, which may bounce any message of ours (./bounces.ts). */
  domain: string;
  events: TransportEvents;
  request: (iq: Element) => Promise<Element>;
  /** Hands a message to the engine (XmppTransport.#store). */
  store: (message: InboundMessage) => void;
  /** Reports a failed catch-up as an `error` event. */
  problem: (code: ErrorCode, e: unknown) => void;
  /** A XEP-0199 ping to our server, which acks what went before it (./ping-acks.ts). */
  ping: () => Promise<unknown>;
}

/**
 * Wires what arrives on one stream to the engine's events: stanzas sorted by ./inbound.ts, the
 * archive (./mam.ts) and each room's catch-up (./sync.ts), receipts and typing (./receipts.ts),
 * and the acks of our messages (./sm-acks.ts, or ./ping-acks.ts without XEP-0198). Returns what
 * the transport's own calls use.
 */
export function streamHandlers({ xmpp, session, self, domain, events, request, store, problem, ping }: StreamDeps) {
  const handled = handledCount(xmpp.streamManagement);
  const send = (stanza: Element) => void xmpp.send(stanza).catch(() => undefined);
  /**
   * The room string as the widget gave it, for a canonical one (lower case, no `xmpp:`): the
   * engine finds conversations by the exact string it joined.
   */
  const given = (canonical: string): string => session.rooms.get(canonical) ?? canonical;
  // Only rooms we joined: the engine has no conversation for the rest, and stamping them
  // would grow the ordering clock's maps with every stranger who writes to us.
  const { clock } = session;
  const deliver = (m: InboundMessage) =>
    session.rooms.has(m.room) && store({ ...m, room: given(m.room), ts: clock.ordered(m.room, m.ts) });
  // A page of older history goes before everything shown, one message at a time: newest first.
  const earlier = (room: string, page: InboundMessage[]) => {
    const ts = clock.orderedBefore(room, page.map((m) => m.ts));
    for (let i = page.length - 1; i >= 0; i--) store({ ...page[i]!, room: given(room), ts: ts[i]!, older: true });
  };
  const chat = receipts({
    self,
    send,
    receipt: (id, status) => events.receipt(id, status),
    typing: (room, from, typing) => events.typing(given(room), from, typing),
  });
  const { acknowledge } = chat;
  const { unconfirmed } = session;
  const acked = (id: string) => {
    unconfirmed.delete(id);
    events.ack(id, {});
  };
  const archive = mam({
    request,
    self,
    message: (m) => {
      // Not the ack of a message a lost stream took (XmppSession.unconfirmed): it goes again.
      if (m.from === self.user && unconfirmed.has(m.id)) return;
      sync.archived(m);
      deliver(m);
    },
    acknowledge,
    earlier,
    historyEnd: (room) => events.historyEnd(given(room)),
    invalid: (error) => events.error(error),
  });
  const sync = catchUp(archive, {
    deliver,
    fail: (e) => problem('mam', e),
    // A 1:1 chat is live once its catch-up delivered what it held; a MUC room once our presence came back.
    done: (peer, room) => peer.kind === 'chat' && events.joined(given(room)),
    holding: (held) => (held ? handled.hold() : handled.release()),
  });
  const pingAck = pingAcks(ping, acked);
  smAcks(xmpp.streamManagement, acked, (id) => unconfirmed.add(id));
  const handle = inbound({
    self,
    mam: archive,
    receipts: chat,
    route: (m, replay) => sync.route(m, replay),
    ack: acked,
    reject: (id, error, from) => session.bounces.mayBounce(id, from, domain) && events.reject(id, error),
    error: (error) => events.error(error),
    joined: (room) => events.joined(given(room)),
    occupantIds: session.occupantIds,
  });
  xmpp.on('stanza', handle);
  return { mam: archive, receipts: chat, sync, pingAck };
}
