import { ProtocolError, ValidationError, type ParleyError } from '../../errors.ts';
import { bare } from './address.ts';
import type { Element } from './lib.ts';
import type { Mam } from './mam.ts';
import { archiveId, delayStamp, NS, readChat, type Self } from './message.ts';
import type { Receipts } from './receipts.ts';
import type { InboundMessage } from '../transport.ts';

const CARBONS = 'urn:xmpp:carbons:2';
const FORWARD = 'urn:xmpp:forward:0';

export interface InboundDeps {
  self: Self;
  mam: Mam;
  receipts: Receipts;
  /** A live chat message, to show (or hold while its room syncs). */
  route: (message: InboundMessage) => void;
  ack: (id: string) => void;
  reject: (id: string, error: ParleyError) => void;
  error: (error: ParleyError) => void;
}

/** RFC 6120 §8.3.2: the defined condition of a stanza error, and its text. */
const stanzaError = (stanza: Element) => {
  const error = stanza.getChild('error');
  const condition = error?.getChildElements().find((c) => c.name !== 'text')?.name ?? 'undefined-condition';
  const text = error?.getChildText('text');
  return { condition, detail: `${condition}${text ? `: ${text}` : ''}` };
};

/**
 * Sorts what the server sends us: archive results, bounces, carbons, receipts and chat states,
 * then chat messages. The order matters: a MAM result or a carbon wraps a message that must not
 * be read as if it came live from its original sender.
 */
export function inbound({ self, mam, receipts, route, ack, reject, error }: InboundDeps) {
  function chat(stanza: Element): void {
    const muc = stanza.attrs.type === 'groupchat';
    const archive = muc ? bare(stanza.attrs.from) : bare(self.user);
    // A sender can write any <delay/> into a live stanza; one in the future would sort the
    // message below all others and hold the sync cursor back, so never later than now.
    const now = Date.now();
    const message = readChat(stanza, self, Math.min(delayStamp(stanza) ?? now, now), archiveId(stanza, archive));
    if (!message) return;
    route(message);
    // A room echoes our own message back to us (XEP-0045 §7.2.2): proof that it was handled.
    if (muc && message.from === self.user) ack(message.id);
  }

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
      return;
    }
    if (!stanza.is('message') || mam.handle(stanza)) return;
    if (stanza.attrs.type === 'error') {
      // The message came back (RFC 6120 §8.3): it fails, with the condition, until retried.
      const id = stanza.getChild('origin-id', NS.sid)?.attrs.id ?? stanza.attrs.id;
      const { condition, detail } = stanzaError(stanza);
      if (id) reject(id, new ValidationError(condition, `The server refused the message (${detail}).`));
      return;
    }
    const copy = carbon(stanza);
    if (copy) return chat(copy);
    if (receipts.handle(stanza)) return;
    chat(stanza);
  };
}
