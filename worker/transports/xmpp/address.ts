/**
 * How a Parley `room` names an XMPP conversation:
 * - `juliet@example.com`: one-to-one chat with that peer (`type="chat"`);
 * - `lobby@conference.example.com?join`: a MUC room (XEP-0045), in the RFC 5122 §2.5 URI form
 *   (`?join` is the query action that means "join this room"); an `xmpp:` prefix is allowed.
 * The room string is also the conversation key, so it must not change between sessions.
 */
export interface Peer {
  kind: 'chat' | 'muc';
  /** Bare JID of the peer or the room, lower case. */
  jid: string;
}

const JOIN = '?join';

export function parseRoom(room: string): Peer {
  const address = room.replace(/^xmpp:/i, '');
  if (address.toLowerCase().endsWith(JOIN)) return { kind: 'muc', jid: address.slice(0, -JOIN.length).toLowerCase() };
  return { kind: 'chat', jid: address.toLowerCase() };
}

/** The room string for a conversation, as parseRoom reads it. */
export const roomFor = (peer: Peer): string => (peer.kind === 'muc' ? `${peer.jid}${JOIN}` : peer.jid);

/** `local@domain/resource` → `local@domain`, lower case (RFC 7622 §3.2 and §3.3 are case-insensitive). */
export const bare = (address: string | undefined): string => (address ?? '').split('/')[0]!.toLowerCase();

/** The resource part, or '' (a MUC occupant's nickname; RFC 7622 keeps its case). */
export const resourceOf = (address: string | undefined): string => {
  const slash = (address ?? '').indexOf('/');
  return slash < 0 ? '' : address!.slice(slash + 1);
};

export const localOf = (address: string): string => bare(address).split('@')[0] ?? '';
export const domainOf = (address: string): string => bare(address).split('@').pop() ?? '';
