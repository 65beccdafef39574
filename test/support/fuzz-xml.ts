import type { Fuzz } from './fuzz.ts';

/**
 * Seeded hostile XMPP frames for test/browser/fuzz-xmpp.test.ts: stanzas that are well-formed
 * XML but wrong in every other way, and (`fatal`) frames that are not XML at all. A frame that
 * is not well-formed ends the stream (RFC 6120 §4.9.3.13 bad-format), so the test sends at most
 * one of those, last in a batch.
 */

const MAM = 'urn:xmpp:mam:2';
const NAMESPACES = [
  'jabber:client',
  'urn:xmpp:receipts',
  'urn:xmpp:chat-markers:0',
  'urn:xmpp:sid:0',
  'urn:xmpp:delay',
  'jabber:x:oob',
  'urn:xmpp:carbons:2',
  'urn:xmpp:forward:0',
  MAM,
  'http://jabber.org/protocol/muc#user',
  'urn:xmpp:occupant-id:0',
  'urn:xmpp:sfs:0',
  'urn:evil',
  '',
];

/** Only characters XML 1.0 allows (§2.2): anything else is a `fatal` frame's job. */
export const xmlChars = (s: string): string => s.replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd]/gu, '');
export const esc = (v: unknown): string =>
  xmlChars(String(v)).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export class XmlFuzz {
  constructor(
    readonly f: Fuzz,
    /** The bare JID of the peer whose 1:1 chat the visitor has open. */
    readonly peer: string,
    /** The visitor's bare JID. */
    readonly self: string,
  ) {}

  /** An attribute value of any shape: empty, huge, a JID, forged, a number, markup. */
  value(): string {
    return esc(this.f.value());
  }

  jid(): string {
    const f = this.f;
    return f.pick([this.peer, `${this.peer}/x`, this.self, `${this.self}/other`, 'eve@hostile.test/e', 'room@conference.hostile.test/nick', '', '@@@', 'hostile.test', this.value()]);
  }

  /** A child element with anything inside: an unknown name or namespace, or a known one misused. */
  child(depth = 0): string {
    const f = this.f;
    const name = f.pick(['body', 'x', 'result', 'forwarded', 'message', 'delay', 'stanza-id', 'origin-id', 'received', 'displayed', 'request', 'url', 'desc', 'file-sharing', 'status', 'occupant-id', 'evil', 'a:b']);
    const attrs = Array.from({ length: f.int(4) }, () => ` ${f.pick(['xmlns', 'id', 'queryid', 'stamp', 'by', 'code', 'from', 'jid', 'type'])}="${f.next() < 0.5 ? f.pick(NAMESPACES) : this.value()}"`);
    const unique = [...new Map(attrs.map((a) => [a.split('=')[0], a])).values()].join('');
    const inner = depth < 3 && f.next() < 0.4 ? Array.from({ length: f.int(3) }, () => this.child(depth + 1)).join('') : this.value();
    return `<${name}${unique}>${inner}</${name}>`;
  }

  /** A chat message the widget must show: `text` is what it shows. */
  valid(n: number): { raw: string; good: string } {
    const text = `valid ${n}`;
    return { raw: `<message type="chat" from="${this.peer}/x" id="fuzz-${n}"><body>${text}</body></message>`, good: text };
  }

  /** One well-formed hostile stanza (or nonza). */
  stanza(n: number): string {
    const f = this.f;
    const from = this.jid();
    switch (f.int(12)) {
      case 0: // unexpected children and namespaces around a body
        return `<message type="chat" from="${from}" id="u-${n}">${Array.from({ length: f.int(5) }, () => this.child()).join('')}<body xmlns="${f.pick(NAMESPACES)}">${this.value()}</body></message>`;
      case 1: // attributes of the wrong type or shape
        return `<message type="${f.pick(['chat', 'groupchat', 'error', 'normal', 'headline', '42', ''])}" from="${from}" to="${this.value()}" id="${this.value()}"><body>${this.value()}</body><delay xmlns="urn:xmpp:delay" stamp="${f.pick(['', 'yesterday', '1e20', '9999-99-99T99:99:99Z', '-271821-04-20T00:00:00Z', this.value()])}"/></message>`;
      case 2: // a huge body, over the 10 000-character limit now and then
        return `<message type="chat" from="${this.peer}/x" id="big-${n}"><body>${'z'.repeat(f.next() < 0.02 ? 200_000 : f.int(12_000))}</body></message>`;
      case 3: { // deep nesting
        const depth = f.next() < 0.02 ? 20_000 : f.int(500);
        return `<message type="chat" from="${this.peer}/x" id="deep-${n}"><body>deep</body>${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</message>`;
      }
      case 4: { // forged carbons: only our own account may send them (XEP-0280 §11)
        const wrapper = f.pick(['sent', 'received']);
        return `<message from="${f.pick([from, this.self])}"><${wrapper} xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0"><message type="chat" from="${this.jid()}" to="${this.jid()}" id="c-${n}">${f.next() < 0.7 ? `<body>${this.value()}</body>` : this.child()}</message></forwarded></${wrapper}></message>`;
      }
      case 5: // receipts and markers naming anything
        return `<message type="chat" from="${from}" id="r-${n}"><${f.pick(['received', 'displayed', 'acknowledged', 'markable', 'request'])} xmlns="${f.pick(['urn:xmpp:receipts', 'urn:xmpp:chat-markers:0'])}"${f.next() < 0.8 ? ` id="${this.value()}"` : ''}/>${f.next() < 0.3 ? this.child() : ''}</message>`;
      case 6: // MAM results nobody asked for, or with garbage inside
        return `<message from="${from}"><result xmlns="${MAM}" queryid="${this.value()}" id="${this.value()}"><forwarded xmlns="urn:xmpp:forward:0">${f.next() < 0.5 ? `<delay xmlns="urn:xmpp:delay" stamp="${this.value()}"/>` : ''}<message type="chat" from="${this.jid()}">${f.next() < 0.5 ? `<body>${this.value()}</body>` : ''}${this.child()}</message></forwarded></result></message>`;
      case 7: // bounces of messages that never existed
        return `<message type="error" from="${from}" id="${this.value()}"><error type="${this.value()}">${f.next() < 0.5 ? '<service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/>' : this.child()}<text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas">${this.value()}</text></error></message>`;
      case 8: // presences: self-presence of rooms never joined, errors, junk
        return `<presence from="${from}" type="${f.pick(['', 'error', 'unavailable', 'subscribe', this.value()])}"><x xmlns="http://jabber.org/protocol/muc#user"><status code="${f.pick(['110', '201', this.value()])}"/><item jid="${this.jid()}"/></x>${this.child()}</presence>`;
      case 9: // iqs: unknown requests, answers to nothing
        return `<iq type="${f.pick(['get', 'set', 'result', 'error', this.value()])}" id="${this.value()}" from="${from}">${f.next() < 0.7 ? this.child() : ''}</iq>`;
      case 10: // chat states and typing from anyone
        return `<message type="${f.pick(['chat', 'groupchat'])}" from="${from}"><${f.pick(['composing', 'paused', 'active', 'gone', 'inactive'])} xmlns="http://jabber.org/protocol/chatstates"/></message>`;
      default: // an element that is no stanza at all
        return this.child();
    }
  }

  /** A frame that is not well-formed XML. */
  fatal(): string {
    const f = this.f;
    const valid = `<message type="chat" from="${this.peer}/x" id="t"><body>truncated</body></message>`;
    switch (f.int(5)) {
      case 0:
        return f.chars(1 + f.int(200));
      case 1:
        return valid.slice(0, 1 + f.int(valid.length - 2));
      case 2:
        return `<message from="${this.peer}"><body>mismatched</message></body>`;
      case 3:
        return `<message from="${this.peer}"><body>a & b < c \u0001</body></message>`;
      default:
        return `<message xmlns:x="urn:x" from="${this.peer}"><y:body>unbound prefix</y:body></message>`;
    }
  }
}
