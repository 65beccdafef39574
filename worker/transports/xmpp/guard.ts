import { jid, xml, type Element, type Entity } from './lib.ts';

const STANZAS = new Set(['message', 'presence', 'iq']);

/** Whether xmpp.js can read `address` as a JID (it throws on one it cannot, such as `@`). */
function readable(address: string | undefined): boolean {
  if (!address) return true;
  try {
    jid(address);
    return true;
  } catch {
    return false;
  }
}

/**
 * Keeps one bad element from wrecking the stream. xmpp.js reads every element's `to` and
 * `from` as JIDs before any handler runs (its middleware's IncomingContext) and throws on one
 * it cannot parse; the throw leaves its parser (packages/connection, `_onElement`) mid-element,
 * so every later stanza is appended to the bad one and never read, and a resume resends the
 * bad one first. RFC 6120 §8.3.3.8: such an address is malformed, so the stanza is no one's:
 * it goes on as a bare stanza of its kind (XEP-0198 still counts it; nothing handles it), and
 * `fault` reports it. Anything else a handler throws is caught here too, and reported.
 */
export function guardInbound(entity: Entity, fault: (problem: string) => void): void {
  const connection = entity as unknown as {
    _onElement(element: Element): void;
    _onData(data: unknown): void;
    parser: { cursor: unknown; emit(event: 'error', error: Error): void } | null;
  };
  // RFC 7395 §3.3.3: every WebSocket message holds whole elements. One cut short (in a tag,
  // an attribute, or before its end tag) would leave xmpp.js's parser open, so that every
  // later frame is read as part of it and nothing arrives again: it is not well-formed, so
  // it ends the stream as any bad XML does (RFC 6120 §4.9.3.13, bad-format).
  const onData = connection._onData.bind(entity);
  connection._onData = (data: unknown) => {
    onData(data);
    const frame = String(data).trimEnd();
    const { parser } = connection;
    // Only a frame that began some XML: one with none (another protocol's text) is left as it was.
    if (parser && (parser.cursor || (frame.includes('<') && !frame.endsWith('>'))))
      parser.emit('error', new Error('A WebSocket message ended inside an XML element (RFC 7395 §3.3.3).'));
  };
  const onElement = connection._onElement.bind(entity);
  connection._onElement = (element: Element) => {
    let safe = element;
    if (!readable(element.attrs.to) || !readable(element.attrs.from)) {
      // A bare iq would be answered; a bare message is ignored and counts the same (XEP-0198 §4).
      safe = xml(STANZAS.has(element.name) ? 'message' : element.name);
      fault(`An XMPP <${element.name}/> with a malformed address was ignored (RFC 6120 §8.3.3.8).`);
    }
    try {
      onElement(safe);
    } catch (e) {
      fault(`An XMPP <${element.name}/> could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}
