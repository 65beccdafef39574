import { xml, type Element } from './lib.ts';
import { bare, resourceOf, roomFor, type Peer } from './address.ts';
import { checkInbound, type Checked } from '../inbound.ts';
import { fileSharing, readFileSharing } from './file-sharing.ts';
import type { OutgoingMessage } from '../transport.ts';

export const NS = {
  sid: 'urn:xmpp:sid:0',
  delay: 'urn:xmpp:delay',
  receipts: 'urn:xmpp:receipts',
  markers: 'urn:xmpp:chat-markers:0',
  chatStates: 'http://jabber.org/protocol/chatstates',
  hints: 'urn:xmpp:hints',
  /** XEP-0066 Out of Band Data, as a message child. */
  oob: 'jabber:x:oob',
  occupantId: 'urn:xmpp:occupant-id:0',
  mucUser: 'http://jabber.org/protocol/muc#user',
} as const;

/** Who we are, to tell our own messages (and echoes of them) from others'. */
export interface Self {
  /** Our bare JID, as configured (`ConnectionConfig.user`). */
  user: string;
  /** Our nickname in MUC rooms: what we ask the room for, never what tells our messages apart. */
  nickname: string;
  /** Our XEP-0421 occupant id per room (bare JID), once the room has told us (XmppSession). */
  occupantIds: ReadonlyMap<string, string>;
}

/**
 * Whether a groupchat stanza is ours. A nickname cannot say: another account may hold it later,
 * or held it when an archived message was written. So by the XEP-0421 occupant id the room
 * stamps on it, where the room gives us ours; else by the real JID a non-anonymous room shows
 * (XEP-0045 §7.2.3, `<x xmlns='…muc#user'><item jid/>`); else it is not ours. (Our own
 * messages are still known by their origin-id: history keeps them as ours.)
 */
export function fromUs(stanza: Element, self: Self): boolean {
  const ours = self.occupantIds.get(bare(stanza.attrs.from));
  const stamped = stanza.getChild('occupant-id', NS.occupantId)?.attrs.id;
  if (ours !== undefined && stamped !== undefined) return stamped === ours;
  const real = stanza.getChild('x', NS.mucUser)?.getChild('item')?.attrs.jid;
  return real !== undefined && bare(real) === bare(self.user);
}

/**
 * For signals that are not messages (a typing state, a read marker) echoed by the room: ours
 * as `fromUs` says, or, in a room that gives neither occupant ids nor real JIDs, by nickname;
 * getting one wrong costs a typing line, not a message shown as someone else's.
 */
export function echoOfOurs(stanza: Element, self: Self): boolean {
  const known = self.occupantIds.has(bare(stanza.attrs.from)) || stanza.getChild('x', NS.mucUser)?.getChild('item')?.attrs.jid !== undefined;
  return fromUs(stanza, self) || (!known && resourceOf(stanza.attrs.from ?? '') === self.nickname);
}

/**
 * A chat message. The client id is both the stanza id and the XEP-0359 origin-id, so a resend
 * or an echo is recognised by every receiver; XEP-0184 and XEP-0333 requests ride along in 1:1.
 */
export function chatStanza(peer: Peer, message: OutgoingMessage): Element {
  const oneToOne = peer.kind === 'chat';
  const files = message.attachments ?? [];
  return xml(
    'message',
    { type: oneToOne ? 'chat' : 'groupchat', to: peer.jid, id: message.id },
    xml('body', {}, bodyWithUrls(message.text, files.map((a) => a.url))),
    // XEP-0066 §3: one <x/> per file, so that other clients show it inline; the URLs are in the
    // body too, for clients that know no OOB (docs/xmpp.md, "Files").
    ...files.map((a) => xml('x', { xmlns: NS.oob }, xml('url', {}, a.url), xml('desc', {}, a.name))),
    // XEP-0447 with XEP-0446 metadata: type, size, dimensions, length and a thumbnail.
    ...files.map(fileSharing),
    xml('origin-id', { xmlns: NS.sid, id: message.id }),
    oneToOne && xml('request', { xmlns: NS.receipts }),
    oneToOne && xml('markable', { xmlns: NS.markers }),
    xml('active', { xmlns: NS.chatStates }),
  );
}

/** The text, then each file's URL on a line of its own. */
export const bodyWithUrls = (text: string, urls: string[]): string => [text, ...urls].filter(Boolean).join('\n');

/**
 * The files of a message's XEP-0066 <x/> children, and its text without the URL lines that
 * {@link bodyWithUrls} (or another client, which often sends the URL alone) added to it.
 */
export function readOob(message: Element, body: string): { text: string; attachments: unknown[] } {
  // XEP-0447 says more about a file than OOB; OOB covers the files it does not describe.
  const described = readFileSharing(message);
  const oob = message
    .getChildren('x', NS.oob)
    .map((x) => ({ url: x.getChildText('url') ?? '', name: x.getChildText('desc') || undefined }))
    .filter((o) => !described.some((d) => d.url === o.url));
  const attachments = [...described, ...oob];
  if (!attachments.length) return { text: body, attachments };
  const urls = new Set(attachments.map((a) => a.url));
  const lines = body.split('\n');
  while (lines.length && urls.has(lines[lines.length - 1]!.trim())) lines.pop();
  return { text: lines.join('\n'), attachments };
}

/**
 * Server time from the first XEP-0203 `<delay/>` among `elements`, when the message was stored
 * and delivered later; undefined when there is none. A stamp that is not a time is NaN: the
 * inbound schema (worker/transports/inbound.ts) replaces it, and says so.
 */
export const delayStamp = (...elements: (Element | undefined)[]): number | undefined => {
  for (const el of elements) {
    const stamp = el?.getChild('delay', NS.delay)?.attrs.stamp;
    if (stamp !== undefined) return Date.parse(stamp);
  }
  return undefined;
};

/** Shown as the sender of a MUC message without an occupant nickname: the room itself sent it (XEP-0045 §7.2.16). */
export const ROOM_SENDER = 'room';

/** The id other clients and our history know a message by: origin-id, else the stanza id. */
export const clientId = (message: Element): string | undefined =>
  message.getChild('origin-id', NS.sid)?.attrs.id || message.attrs.id || undefined;

/** XEP-0359 stanza-id stamped by `archive` (our bare JID or the room), i.e. its MAM id. */
export const archiveId = (message: Element, archive: string): string | undefined =>
  message.getChildren('stanza-id', NS.sid).find((s) => bare(s.attrs.by) === archive)?.attrs.id;

/**
 * Reads a chat message with a body, checked against the inbound schema; undefined for a stanza
 * without one. `counterpart` is the 1:1 peer (for messages we sent, the `to`); MUC messages are
 * keyed by room and shown with the occupant's nickname. `ts` is the time read from the stanza
 * (ms since the epoch, or anything the schema must replace); `archive` its MAM id, if known.
 */
export function readChat(message: Element, self: Self, ts: unknown, archive?: string): Checked | undefined {
  const body = message.getChildText('body');
  if (body === null) return undefined;
  const { text, attachments } = readOob(message, body);
  const from = message.attrs.from ?? self.user;
  const muc = message.attrs.type === 'groupchat';
  const room = muc
    ? roomFor({ kind: 'muc', jid: bare(from) })
    : roomFor({ kind: 'chat', jid: bare(from) === bare(self.user) ? bare(message.attrs.to) : bare(from) });
  const nick = resourceOf(from);
  const sender = muc ? (fromUs(message, self) ? self.user : nick) : bare(from);
  return checkInbound(
    {
      id: clientId(message) ?? archive ?? crypto.randomUUID(),
      room,
      from: sender === bare(self.user) ? self.user : sender,
      text,
      ts,
      cursor: archive === undefined ? undefined : { kind: 'archive', id: archive },
      attachments,
    },
    { now: Date.now(), unknownSender: ROOM_SENDER },
  );
}
