/**
 * The rooms one Connection serves (worker/connection.ts): each room's conversation key, which
 * rooms the server has confirmed on the current link, and which have no older history to fetch.
 */
export class Rooms {
  /** room → conversation key */
  readonly #conversations = new Map<string, string>();
  /** Rooms the server has confirmed on the current link. */
  readonly #live = new Set<string>();
  /** Rooms whose oldest message we have: the server said so. */
  readonly #exhausted = new Set<string>();

  has(room: string): boolean {
    return this.#conversations.has(room);
  }

  add(room: string, conversation: string): void {
    this.#conversations.set(room, conversation);
  }

  /** The room's conversation key, if the room was joined. */
  conversation(room: string): string | undefined {
    return this.#conversations.get(room);
  }

  conversations(): IterableIterator<string> {
    return this.#conversations.values();
  }

  /** [room, conversation key] for every room joined. */
  entries(): IterableIterator<[string, string]> {
    return this.#conversations.entries();
  }

  /** The server confirmed the room on the current link. */
  confirmed(room: string): void {
    this.#live.add(room);
  }

  isLive(room: string): boolean {
    return this.#live.has(room);
  }

  /** The link ended: no room is confirmed until the next one confirms it again. */
  linkEnded(): void {
    this.#live.clear();
  }

  /** The server said it has nothing older for the room. */
  historyEnded(room: string): void {
    this.#exhausted.add(room);
  }

  isExhausted(room: string): boolean {
    return this.#exhausted.has(room);
  }
}
