/**
 * Tells the tabs of a conversation its unread count whenever it changes (docs/engine.md,
 * "Read cursor"), counting at most once at a time per conversation.
 */

import type { ChatMessage, EngineEvent, UnreadCount } from './api.ts';
import { UNREAD_MAX, type ReadState } from './read-state.ts';
import type { Timers } from './timers.ts';

/** Shortest time between two unread counts of one conversation during a burst, in ms. */
const UNREAD_RECOUNT = 250;

export class UnreadCounter {
  /** Unread counts being computed, per conversation; `again` when something changed meanwhile. */
  readonly #counting = new Map<string, { again: boolean }>();
  /**
   * The count last sent per conversation, so that tabs hear only of changes; `started` if it was
   * read with the cursor set, so that a new message can add to it.
   */
  readonly #sent = new Map<string, UnreadCount & { started: boolean }>();

  constructor(
    readonly reads: ReadState,
    readonly timers: Timers,
    /** Sends an `unread` event to every tab that shows `conversation`. */
    readonly broadcast: (conversation: string, event: EngineEvent) => void,
  ) {}

  /**
   * Someone else's message, new to this engine, was stored. With the count known and no count
   * running, it is one more if it is after the read cursor, and the tabs hear it with the message
   * itself (one event batch, one task in the tab) rather than after a read of up to UNREAD_MAX
   * records; at UNREAD_MAX it stays there. Otherwise the count is read again. (A message shown
   * twice, after a failed commit, counts twice until the cursor next moves and recounts.)
   */
  arrived({ conversation, order }: ChatMessage): Promise<void> {
    const known = this.#sent.get(conversation);
    if (!known?.started || this.#counting.has(conversation)) return this.count(conversation);
    if (order > known.read && known.unread < UNREAD_MAX) this.#send(conversation, { read: known.read, unread: known.unread + 1 }, true);
    return Promise.resolve();
  }

  /**
   * Counts again and tells every tab of the conversation if the count changed. A burst of
   * messages costs one count at a time, and one more after it if any arrived meanwhile.
   */
  async count(conversation: string): Promise<void> {
    const running = this.#counting.get(conversation);
    if (running) return void (running.again = true);
    const state = { again: true };
    this.#counting.set(conversation, state);
    try {
      while (state.again) {
        state.again = false;
        const counted = await this.reads.counted(conversation);
        // A burst recounts at most every UNREAD_RECOUNT ms: a count in a loop would hold the
        // messages store that every inbound write waits for.
        if (state.again) await new Promise((done) => this.timers.setTimeout(() => done(undefined), UNREAD_RECOUNT));
        if (state.again) continue;
        this.#send(conversation, counted ?? { read: 0, unread: 0 }, counted !== undefined);
      }
    } finally {
      this.#counting.delete(conversation);
    }
  }

  /** Keeps this count as the one the tabs know, and tells them if it changed. */
  #send(conversation: string, { read, unread }: UnreadCount, started: boolean): void {
    const before = this.#sent.get(conversation);
    this.#sent.set(conversation, { read, unread, started });
    if (before?.read !== read || before.unread !== unread) this.broadcast(conversation, { type: 'unread', conversation, read, unread });
  }
}
