import type { ParleyDb } from './db.ts';
import { ValidationError } from './errors.ts';

/** Longest draft kept, in characters: ten times the default longest message, so an over-long text survives to be cut down. */
export const DRAFT_LIMIT = 100_000;

/**
 * The composer's unsent text per conversation, in the `drafts` store (worker/db.ts), so that it
 * survives a reload and every tab of the browser shows the same one. Sending a message clears it.
 */
export class Drafts {
  constructor(private readonly db: () => Promise<ParleyDb>) {}

  /**
   * Conversations whose draft this engine knows to be empty (it deleted it, or read none, and
   * no write began since): every send clears the draft, and a burst of sends should not cost a
   * transaction each. Only this engine writes its database's drafts.
   */
  readonly #empty = new Set<string>();
  /** Writes begun per conversation: a read or delete that a later write overtook learns nothing. */
  readonly #writes = new Map<string, number>();

  #knownEmpty(conversation: string, writes: number | undefined): void {
    if (this.#writes.get(conversation) === writes) this.#empty.add(conversation);
  }

  async get(conversation: string): Promise<string> {
    const writes = this.#writes.get(conversation);
    const text = (await (await this.db()).get('drafts', conversation))?.text ?? '';
    if (!text) this.#knownEmpty(conversation, writes);
    return text;
  }

  /** Stores `text` ('' deletes the draft); returns false if it was already so. `at`: ms since the epoch. */
  async set(conversation: string, text: string, at: number): Promise<boolean> {
    if (typeof text !== 'string') throw new ValidationError('bad-draft', 'A draft must be text.');
    if (text.length > DRAFT_LIMIT)
      throw new ValidationError('too-long', `A draft can be at most ${DRAFT_LIMIT} characters; this one has ${text.length}.`);
    if (!text && this.#empty.has(conversation)) return false;
    this.#empty.delete(conversation);
    const writes = (this.#writes.get(conversation) ?? 0) + 1;
    this.#writes.set(conversation, writes);
    const db = await this.db();
    const tx = db.transaction('drafts', 'readwrite');
    const current = (await tx.store.get(conversation))?.text ?? '';
    if (current !== text) {
      if (text) await tx.store.put({ conversation, text, at });
      else await tx.store.delete(conversation);
    }
    await tx.done;
    if (!text) this.#knownEmpty(conversation, writes);
    return current !== text;
  }
}
