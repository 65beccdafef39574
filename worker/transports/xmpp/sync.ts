import type { InboundMessage } from '../transport.ts';
import type { Peer } from './address.ts';
import type { Mam } from './mam.ts';

/**
 * Catch-up after (re)connecting, per room, with live messages held back while it runs: the sync
 * may take several pages, and a live message must not be shown before older ones that a later
 * page brings. Afterwards the held ones follow in arrival order (those the archive already gave
 * are duplicates, which history drops by id).
 *
 * A live message carries its archive id, which history stores as the room's cursor. So a live
 * message may carry it only once the room's catch-up has run on this stream: one that arrives
 * before the catch-up starts, or after it failed, would move the cursor past messages never
 * fetched, and the next catch-up would skip them for good. Those are delivered without it.
 *
 * A server may also replay its offline storage (XEP-0160) after the catch-up: ejabberd does,
 * even to a client that queried the archive, and Prosody does not. The replayed messages carry
 * the server's XEP-0203 `<delay/>`. Those the catch-up brought are duplicates; one older than
 * anything the catch-up brought is history the archive holds (on a first catch-up, before its
 * last page: "Show earlier" fetches it in its place), and shown live it would land below the
 * newest. So a replay older than the catch-up's oldest message is left to the archive.
 */
export interface CatchUpDeps {
  deliver: (m: InboundMessage) => void;
  fail: (e: unknown) => void;
  /** The room's catch-up finished (or failed, which `fail` reported): what was held has been delivered. */
  done: (peer: Peer, room: string) => void;
  /**
   * A live message was just held (`true`), or nothing is held any more (`false`): a held
   * message is not handled yet, so XEP-0198 must not count it (./handled.ts).
   */
  holding?: (held: boolean) => void;
}

export function catchUp(mam: Mam | undefined, { deliver, fail, done, holding }: CatchUpDeps) {
  const held = new Map<string, InboundMessage[]>();
  /** Rooms whose catch-up completed on this stream: their live archive ids are safe cursors. */
  const synced = new Set<string>();
  const withoutCursor = ({ cursor: _, ...m }: InboundMessage): InboundMessage => m;
  /** room → the server time of the oldest message this stream's catch-up brought. */
  const oldest = new Map<string, number>();
  /** Live messages that are replays of offline storage (they carry a `<delay/>`). */
  const replays = new WeakSet<InboundMessage>();
  const live = (m: InboundMessage, ok: boolean) => {
    if (replays.has(m) && m.ts <= (oldest.get(m.room) ?? -Infinity)) return;
    deliver(ok ? m : withoutCursor(m));
  };
  /** The link ended: what is held stays unhandled (the server sends it again on resume). */
  let stopped = false;
  return {
    start(peer: Peer, room: string, after: string | undefined): void {
      if (!mam || held.has(room)) return;
      held.set(room, []);
      let ok = true;
      mam
        .sync(peer, room, after)
        // One more page for 1:1: what arrived after the first query but before our initial
        // presence went to offline storage, which Prosody does not replay once we queried MAM.
        // All of it is new to this device.
        .then((last) => (peer.kind === 'chat' ? mam.sync(peer, room, last, true) : undefined))
        .catch((e: unknown) => {
          ok = false;
          if (!stopped) fail(e);
        })
        .finally(() => {
          if (stopped) return;
          const waiting = held.get(room) ?? [];
          held.delete(room);
          if (ok) synced.add(room);
          waiting.forEach((m) => live(m, ok));
          if (![...held.values()].some((w) => w.length)) holding?.(false);
          done(peer, room);
        });
    },
    /** A message a catch-up brought from the archive, before it is delivered. */
    archived(message: InboundMessage): void {
      oldest.set(message.room, Math.min(oldest.get(message.room) ?? Infinity, message.ts));
    },
    /** A live message, or (`replay`) one the server kept while we were away: shown now, or after its room's sync. */
    route(message: InboundMessage, replay = false): void {
      if (stopped) return;
      if (replay) replays.add(message);
      const waiting = held.get(message.room);
      if (waiting) {
        waiting.push(message);
        holding?.(true);
      } else live(message, synced.has(message.room));
    },
    /** The link ended: drop what is held, unhandled, and deliver nothing more. */
    stop(): void {
      stopped = true;
      held.clear();
    },
  };
}
