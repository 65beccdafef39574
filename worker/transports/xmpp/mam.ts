import { xml, type Element } from './lib.ts';
import { bare, type Peer } from './address.ts';
import { delayStamp, readChat, type Self } from './message.ts';
import type { ParleyError } from '../../errors.ts';
import type { InboundMessage } from '../transport.ts';

/** Message Archive Management, XEP-0313 (urn:xmpp:mam:2), paged with RSM (XEP-0059). */
const MAM = 'urn:xmpp:mam:2';
const RSM = 'http://jabber.org/protocol/rsm';
const FORWARD = 'urn:xmpp:forward:0';

/** Items per page; Prosody caps it at `max_archive_query_results` (default 50). */
const PAGE = 50;

/**
 * On a device's first catch-up of a chat (no cursor), the archive's messages stamped at most
 * this long before the query (ms) have their delivery confirmed; see sync(). Covers a message
 * that reached the server while this link came up, and the skew between browser and server
 * clocks.
 */
const JUST_ARRIVED = 120_000;

export interface MamDeps {
  request: (iq: Element) => Promise<Element>;
  self: Self;
  /** Receives each archived message of a catch-up, in archive order. */
  message: (message: InboundMessage) => void;
  /** Confirms delivery of a message a catch-up brought (XEP-0184), where its sender asked. */
  acknowledge: (message: Element) => void;
  /** Receives a page of older history at once, oldest first. */
  earlier: (room: string, messages: InboundMessage[]) => void;
  historyEnd: (room: string) => void;
  /** An archived message that failed the inbound schema (worker/transports/inbound.ts). */
  invalid: (error: ParleyError) => void;
}

interface Page {
  after?: string;
  /** '' asks for the last page (RSM §2.5); an id for the page before it. */
  before?: string;
  max: number;
  /** A page older than what is shown, delivered as a whole. */
  older?: boolean;
  /** Confirm the delivery (XEP-0184) of items stamped at or after this time, ms since the epoch. */
  confirmSince?: number;
}

export function mam({ request, self, message, acknowledge, earlier, historyEnd, invalid }: MamDeps) {
  /** queryid → the archive it reads, and for a page of older history, its messages so far. */
  const queries = new Map<string, { archive: string; page?: InboundMessage[]; confirmSince?: number }>();

  async function page(peer: Peer, room: string, p: Page): Promise<{ complete: boolean; first?: string; last?: string }> {
    const queryid = crypto.randomUUID();
    const field = (name: string, value: string) => xml('field', { var: name }, xml('value', {}, value));
    const iq = xml(
      'iq',
      { type: 'set', id: crypto.randomUUID(), to: peer.kind === 'muc' ? peer.jid : undefined },
      xml(
        'query',
        { xmlns: MAM, queryid },
        xml(
          'x',
          { xmlns: 'jabber:x:data', type: 'submit' },
          xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, MAM)),
          peer.kind === 'chat' && field('with', peer.jid),
        ),
        xml(
          'set',
          { xmlns: RSM },
          xml('max', {}, String(p.max)),
          p.after !== undefined && xml('after', {}, p.after),
          p.before !== undefined && xml('before', {}, p.before),
        ),
      ),
    );
    const query = { archive: peer.kind === 'muc' ? peer.jid : bare(self.user), page: p.older ? [] : undefined, confirmSince: p.confirmSince };
    queries.set(queryid, query);
    try {
      const fin = (await request(iq)).getChild('fin', MAM);
      if (query.page) earlier(room, query.page);
      const set = fin?.getChild('set', RSM);
      const complete = fin?.attrs.complete === 'true';
      if (complete && p.after === undefined) historyEnd(room);
      return { complete, first: set?.getChildText('first') ?? undefined, last: set?.getChildText('last') ?? undefined };
    } finally {
      queries.delete(queryid);
    }
  }

  return {
    /**
     * Everything after `after` (the last archive id we hold), page by page; with no cursor, or
     * one the archive no longer knows (item-not-found), the last page. Returns the newest id.
     * `fresh`: what it brings is new to this device (by default, when there is a cursor), so
     * its delivery is confirmed as if it had come live.
     *
     * Without a cursor, the last page is history that another of the user's devices may have
     * confirmed long ago, but it also holds what reached the server while this link came up:
     * until our initial presence the server has no resource to route a message to, and
     * archives it instead (./sync.ts). So the messages of that page stamped within JUST_ARRIVED
     * are confirmed; one another device confirmed already is confirmed twice, which changes
     * nothing at the sender (worker/message-status.ts never moves back).
     */
    async sync(peer: Peer, room: string, after?: string, fresh = after !== undefined): Promise<string | undefined> {
      const confirmSince = fresh ? -Infinity : Date.now() - JUST_ARRIVED;
      if (after !== undefined) {
        try {
          for (let cursor = after; ; ) {
            const result = await page(peer, room, { after: cursor, max: PAGE, confirmSince });
            if (result.complete || !result.last || result.last === cursor) return result.last ?? cursor;
            cursor = result.last;
          }
        } catch (e) {
          if ((e as { condition?: string }).condition !== 'item-not-found') throw e;
        }
      }
      return (await page(peer, room, { before: '', max: PAGE, confirmSince })).last;
    },

    /** One page older than the archive id `before` (RSM §2.5). */
    async older(peer: Peer, room: string, before: string, limit: number): Promise<void> {
      await page(peer, room, { before, max: Math.min(limit, PAGE), older: true });
    },

    /** Handles a `<result/>` of one of our queries; false for any other stanza. */
    handle(stanza: Element): boolean {
      const result = stanza.getChild('result', MAM);
      const query = result && queries.get(result.attrs.queryid ?? '');
      if (!result || !query) return false;
      // Only the archive we asked may answer (XEP-0313 §9): no one else can inject history.
      if (stanza.attrs.from && bare(stanza.attrs.from) !== query.archive) return true;
      const forwarded = result.getChild('forwarded', FORWARD);
      const inner = forwarded?.getChild('message');
      if (!inner || !result.attrs.id) return true;
      // The archive's own <delay/> on <forwarded/> first (XEP-0313 §5): what the sender wrote comes second.
      const checked = readChat(inner, self, delayStamp(forwarded, inner), result.attrs.id);
      if (!checked) return true;
      if (!checked.ok) {
        invalid(checked.error);
        return true;
      }
      const item = checked.message;
      if (item.ts >= (query.confirmSince ?? Infinity)) acknowledge(inner);
      if (query.page) query.page.push(item);
      else message(item);
      return true;
    },
  };
}

export type Mam = ReturnType<typeof mam>;
