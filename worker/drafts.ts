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

  async get(conversation: string): Promise<string> {
    return (await (await this.db()).get('drafts', conversation))?.text ?? '';
  }

  /** Stores `text` ('' deletes the draft); returns false if it was already so. `at`: ms since the epoch. */
  async set(conversation: string, text: string, at: number): Promise<boolean> {
    if (typeof text !== 'string') throw new ValidationError('bad-draft', 'A draft must be text.');
    if (text.length > DRAFT_LIMIT)
      throw new ValidationError('too-long', `A draft can be at most ${DRAFT_LIMIT} characters; this one has ${text.length}.`);
    const db = await this.db();
    const tx = db.transaction('drafts', 'readwrite');
    const current = (await tx.store.get(conversation))?.text ?? '';
    if (current === text) return (await tx.done, false);
    if (text) await tx.store.put({ conversation, text, at });
    else await tx.store.delete(conversation);
    await tx.done;
    return true;
  }
}
