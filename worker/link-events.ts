import type { EngineEvent } from './api.ts';
import type { Delivery } from './delivery.ts';
import type { ParleyError } from './errors.ts';
import type { History } from './history.ts';
import { linkGuard } from './link-guard.ts';
import { readUpTo } from './read-receipts.ts';
import type { Rooms } from './rooms.ts';
import type { CloseInfo, TransportEvents } from './transports/transport.ts';

/** What one link's transport events reach; a Connection provides it. */
export interface LinkTargets {
  /** The messages' books: what arrives is stored, acks and receipts move statuses. */
  delivery: Delivery;
  rooms: Rooms;
  history: History;
  /** The user this connection speaks as: their own typing is not news. */
  user(): string;
  emit(event: EngineEvent): void;
  /** The server lost a session the transport expected (worker/gaps.ts). */
  sessionLost?: (conversations: string[]) => Promise<void>;
  /** The link is up. */
  opened(): void;
  /** Any frame at all: the heartbeat's proof of life. */
  alive(): void;
  /** The server confirmed a room. */
  joined(room: string): void;
  /** The link closed: `fatal` ends the connection, otherwise it reconnects. */
  closed(info: CloseInfo): void;
  /** An error for the tabs (through the connection's throttle). */
  report(e: unknown): void;
}

/**
 * The handlers a transport calls for one link: each of its reports goes to the messages' books,
 * the rooms or the tabs. Once `live` says the link is no longer the current one, its events
 * back out, and what a handler throws goes to `report` (worker/link-guard.ts). Inbound
 * messages are the exception: the transport acknowledges them to the server only once stored,
 * so one of a closed link is refused rather than ignored.
 */
export function linkEvents(live: () => boolean, t: LinkTargets): TransportEvents {
  const guard = linkGuard(live, t.report);
  const { delivery, rooms } = t;
  return {
    open: guard(() => t.opened()),
    activity: guard(() => t.alive()),
    joined: guard((room) => t.joined(room)),
    message: (m) => (live() ? delivery.received(m) : Promise.reject(new Error('This link is closed.'))),
    ack: guard((id, info) => delivery.acked(id, info.cursor)),
    reject: guard((id, error) => delivery.rejected(id, error)),
    typing: guard((room, from, typing, name) => {
      const conversation = rooms.conversation(room);
      if (conversation && from !== t.user()) t.emit({ type: 'typing', conversation, from, name, typing });
    }),
    receipt: guard(async (id, status) => {
      if (status !== 'read') return delivery.receipted(id, status);
      // A read marker means "read up to here": every own message up to it is read.
      const read = (own: string) => delivery.receipted(own, 'read');
      return readUpTo(await t.history.db(), rooms.conversations(), id, read);
    }),
    historyEnd: guard((room) => {
      rooms.historyEnded(room);
      const conversation = rooms.conversation(room);
      if (conversation) t.emit({ type: 'history-end', conversation });
    }),
    caughtUp: guard((room, cursor) => delivery.caughtUp(room, cursor)),
    error: guard((error: ParleyError) => t.report(error)),
    // After what the old link brought is stored, so the gap comes after it.
    sessionLost: guard(() => delivery.stored().then(() => t.sessionLost?.([...rooms.conversations()]))),
    close: guard((info) => t.closed(info)),
  };
}
