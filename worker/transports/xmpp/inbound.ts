import { ProtocolError, ValidationError, type ParleyError } from '../../errors.ts';
import type { ErrorCode } from '../../codes.ts';
import { bare, roomFor } from './address.ts';
import type { Element } from './lib.ts';
import type { Mam } from './mam.ts';
import { archiveId, delayStamp, NS, readChat, type Self } from './message.ts';
import type { Receipts } from './receipts.ts';
import type { InboundMessage } from '../transport.ts';

const CARBONS = 'urn:xmpp:carbons:2';
const MUC_USER = 'http://jabber.org/protocol/muc#user';
/** XEP-0045 §7.2.2: the status code that marks the presence as our own. */
const SELF_PRESENCE = '110';
const FORWARD = 'urn:xmpp:forward:0';

export interface InboundDeps {
  self: Self;
  mam: Mam;
  receipts: Receipts;
  /** A live chat message, to show (or hold while its room syncs). */
  /** `replay`: a 1:1 message the server kept while we were away (it carries a `<delay/>`). */
  route: (message: InboundMessage, replay: boolean) => void;
  ack: (id: string) => void;
  /** A message of ours bounced; `from` is who says so (absent: our own server). */
  reject: (id: string, error: ParleyError, from: string | undefined) => void;
  error: (error: ParleyError) => void;
  /** Our own presence came back from a MUC room: we are in it (XEP-0045 §7.2.2). */
  joined: (room: string) => void;
  /** Where our occupant id per room goes (XmppSession.occupantIds; `self` reads it). */
  occupantIds: Map<string, string>;
}

/** RFC 6120 §8.3.2: the defined condition of a stanza error, and its text. */
const stanzaError = (stanza: Element) => {
  const error = stanza.getChild('error');
  const condition = error?.getChildElements().find((c) => c.name !== 'text')?.name ?? 'undefined-condition';
  const text = error?.getChildText('text');
  return { condition, detail: `${condition}${text ? `: ${text}` : ''}` };
};

/**
 * A bounced message's condition (RFC 6120 §8.3.3) onto worker/codes.ts: a room answers
 * `not-acceptable` to a message from someone who is not (yet, or no longer) an occupant
 * (XEP-0045 §7.4), which a retry after the join may pass; every other condition is `refused`.
 * The condition itself stays in the error's message.
 */
const rejectCode = (condition: string): ErrorCode => (condition === 'not-acceptable' ? 'not-joined' : 'refused');

/**
 * Sorts what the server sends us: archive results, bounces, carbons, receipts and chat states,
 * then chat messages. The order matters: a MAM result or a carbon wraps a message that must not
 * be read as if it came live from its original sender.
 */
export function inbound({ self, mam, receipts, route, ack, reject, error, joined, occupantIds }: InboundDeps) {
  function chat(stanza: Element): void {
    const muc = stanza.attrs.type === 'groupchat';
    const archive = muc ? bare(stanza.attrs.from) : bare(self.user);
    const now = Date.now();
    const checked = readChat(stanza, self, delayStamp(stanza) ?? now, archiveId(stanza, archive));
    if (!checked) return;
    if (!checked.ok) return error(checked.error);
    if (checked.warning) error(checked.warning);
    const message = checked.message;
    // A sender can write any <delay/> into a live stanza. The schema replaced an absurd one;
    // one still ahead of us would sort the message below all others and hold the sync cursor
    // back, so never later than now.
    // A 1:1 message with a <delay/> was kept for us while we were away (XEP-0160, XEP-0203).
    route({ ...message, ts: Math.min(message.ts, now) }, !muc && delayStamp(stanza) !== undefined);
    // A room echoes our own message back to us (XEP-0045 §7.2.2): proof that it was handled.
    if (muc && message.from === self.user) ack(message.id);
  }

  /** XEP-0045 §7.2.2: the room sends our own presence back with status 110 once we are in. */
  const isSelfPresence = (stanza: Element): boolean =>
    stanza.getChild('x', MUC_USER)?.getChildren('status').some((s) => s.attrs.code === SELF_PRESENCE) ?? false;

  /** XEP-0280 §11: only our own account may send carbons; anything else is a forgery. */
  function carbon(stanza: Element): Element | undefined {
    const wrapper = stanza.getChild('sent', CARBONS) ?? stanza.getChild('received', CARBONS);
    if (!wrapper || (stanza.attrs.from && bare(stanza.attrs.from) !== bare(self.user))) return undefined;
    return wrapper.getChild('forwarded', FORWARD)?.getChild('message');
  }

  return (stanza: Element): void => {
    if (stanza.is('presence')) {
      // XEP-0045 §7.2.8 and on: the room refused to let us in (nickname taken, members only…).
      if (stanza.attrs.type === 'error')
        error(new ProtocolError('muc-join', `Could not join ${bare(stanza.attrs.from)}: ${stanzaError(stanza).detail}.`));
      else if (stanza.attrs.type !== 'unavailable' && isSelfPresence(stanza)) {
        // XEP-0421 §3: the room stamps our presence with our occupant id. The room answers
        // the join presence before a MAM query sent after it, so the catch-up already knows it.
        const id = stanza.getChild('occupant-id', NS.occupantId)?.attrs.id;
        if (id) occupantIds.set(bare(stanza.attrs.from), id);
        joined(roomFor({ kind: 'muc', jid: bare(stanza.attrs.from) }));
      }
      return;
    }
    if (!stanza.is('message') || mam.handle(stanza)) return;
    if (stanza.attrs.type === 'error') {
      // The message came back (RFC 6120 §8.3): it fails, with the condition, until retried.
      const id = stanza.getChild('origin-id', NS.sid)?.attrs.id ?? stanza.attrs.id;
      const { condition, detail } = stanzaError(stanza);
      if (id) reject(id, new ValidationError(rejectCode(condition), `The server refused the message (${detail}).`), stanza.attrs.from);
      return;
    }
    const copy = carbon(stanza);
    if (copy) return chat(copy);
    if (receipts.handle(stanza)) return;
    chat(stanza);
  };
}
