/**
 * Tells the tabs of a conversation its unread count whenever it changes (docs/engine.md,
 * "Read cursor"), counting at most once at a time per conversation.
 */

import type { EngineEvent } from './api.ts';
import type { ReadState } from './read-state.ts';
import type { Timers } from './timers.ts';

/** Shortest time between two unread counts of one conversation during a burst, in ms. */
const UNREAD_RECOUNT = 250;

export class UnreadCounter {
  /** Unread counts being computed, per conversation; `again` when something changed meanwhile. */
  readonly #counting = new Map<string, { again: boolean }>();
  /** The count last sent per conversation, so that tabs hear only of changes. */
  readonly #unreadSent = new Map<string, string>();

  constructor(
    readonly reads: ReadState,
    readonly timers: Timers,
    /** Sends an `unread` event to every tab that shows `conversation`. */
    readonly broadcast: (conversation: string, event: EngineEvent) => void,
  ) {}

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
        const { read, unread } = await this.reads.count(conversation);
        const key = `${read}:${unread}`;
        // A burst recounts at most every UNREAD_RECOUNT ms: a count in a loop would hold the
        // messages store that every inbound write waits for.
        if (state.again) await new Promise((done) => this.timers.setTimeout(() => done(undefined), UNREAD_RECOUNT));
        if (state.again || this.#unreadSent.get(conversation) === key) continue;
        this.#unreadSent.set(conversation, key);
        this.broadcast(conversation, { type: 'unread', conversation, read, unread });
      }
    } finally {
      this.#counting.delete(conversation);
    }
  }
}
