import type { InboundMessage } from './transport.ts';
import type { Peer } from './xmpp-address.ts';
import type { Mam } from './xmpp-mam.ts';

/**
 * Catch-up after (re)connecting, per room, with live messages held back while it runs: the sync
 * may take several pages, and a live message must not be shown before older ones that a later
 * page brings. Afterwards the held ones follow in arrival order (those the archive already gave
 * are duplicates, which history drops by id).
 */
export function catchUp(mam: Mam | undefined, deliver: (m: InboundMessage) => void, fail: (e: unknown) => void) {
  const held = new Map<string, InboundMessage[]>();
  return {
    start(peer: Peer, room: string, after: string | undefined): void {
      if (!mam || held.has(room)) return;
      held.set(room, []);
      mam
        .sync(peer, room, after)
        // One more page for 1:1: what arrived after the first query but before our initial
        // presence went to offline storage, which Prosody does not replay once we queried MAM.
        // All of it is new to this device.
        .then((last) => (peer.kind === 'chat' ? mam.sync(peer, room, last, true) : undefined))
        .catch(fail)
        .finally(() => {
          const waiting = held.get(room) ?? [];
          held.delete(room);
          waiting.forEach(deliver);
        });
    },
    /** A live message: shown now, or after its room's sync. */
    route(message: InboundMessage): void {
      const waiting = held.get(message.room);
      if (waiting) waiting.push(message);
      else deliver(message);
    },
  };
}
