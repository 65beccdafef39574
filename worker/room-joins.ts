import type { EngineEvent } from './api.ts';
import type { Delivery } from './delivery.ts';
import type { History } from './history.ts';
import type { Rooms } from './rooms.ts';
import type { Transport } from './transports/transport.ts';

/** What joining needs of a Connection's current link. */
export interface JoinLink {
  /** The current link's generation: a join asked for an older link backs out. */
  generation(): number;
  /** The current link's transport, while it is open. */
  open(): Transport | undefined;
  /** The protocol sends read markers (`capabilities.readMarkers`). */
  readMarkers(): boolean;
}

/**
 * Joins one Connection's rooms on each of its links (docs/engine.md, "Joined"): every room
 * when a link opens, and a room a tab opens while one is open, each from its stored cursor so
 * that the server sends only what was missed. Once the server confirms a room, what waited for
 * it in the outbox goes, and so does the newest read marker that waited (markRead), and the
 * tabs hear `joined`.
 */
export class RoomJoins {
  /** Per room, the newest read marker not yet sent; kept while the engine runs. */
  readonly #markers = new Map<string, string>();

  constructor(
    readonly rooms: Rooms,
    readonly link: JoinLink,
    readonly history: History,
    readonly delivery: Delivery,
    readonly emit: (event: EngineEvent) => void,
  ) {}

  /** A tab opened `room`: joined now if a link is open, else when the next one opens. */
  add(room: string, conversation: string): void {
    if (this.rooms.has(room)) return;
    this.rooms.add(room, conversation);
    // Messages for this room may have waited in the outbox for a tab to open it.
    if (this.link.open()) void this.#join(room, conversation);
  }

  /** A link opened: every room is joined on it. */
  opened(): void {
    for (const [room, conversation] of this.rooms.entries()) void this.#join(room, conversation);
  }

  /** The server confirmed the room: what waited for it in the outbox goes now. */
  confirmed(room: string): void {
    const conversation = this.rooms.conversation(room);
    if (!conversation) return;
    this.rooms.confirmed(room);
    this.#sendMarker(room);
    void this.delivery.flush();
    // Announced once the catch-up that came before it is stored: a tab that sees `joined` can
    // count on the room's cursor, so a link lost right after it does not skip what was missed.
    const generation = this.link.generation();
    void this.delivery.stored().then(() => {
      if (generation === this.link.generation()) this.emit({ type: 'joined', conversation });
    });
  }

  /**
   * Tells the room's peers that the visitor read it up to the message `id`. A marker that finds
   * the room not live (the link down, or its catch-up still running) waits for the room's next
   * confirmation; only the newest waits, since a marker means "up to here". Dropped, a message
   * read meanwhile would stay unread at its sender until the visitor read a later one.
   */
  markRead(room: string, id: string): void {
    this.#markers.set(room, id);
    this.#sendMarker(room);
  }

  #sendMarker(room: string): void {
    const id = this.#markers.get(room);
    const transport = this.link.open();
    if (id === undefined || !transport || !this.rooms.isLive(room)) return;
    this.#markers.delete(room);
    if (this.link.readMarkers()) transport.markRead?.(room, id);
  }

  async #join(room: string, conversation: string): Promise<void> {
    const generation = this.link.generation();
    const cursor = await this.history.cursor(conversation);
    if (generation === this.link.generation()) this.link.open()?.join(room, cursor);
  }
}
