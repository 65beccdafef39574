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
   * conversation → its draft as this engine last wrote it. Only this engine writes its
   * database's drafts (one engine per name), and its writes run in call order (IndexedDB runs
   * readwrite transactions over one store in the order they were created), so a write of what
   * is known already needs no transaction: above all the '' that every send() writes, which
   * cost a burst of sends one transaction each. Set from writes only: a read may be overtaken
   * by a write and would learn an old draft.
   */
  readonly #written = new Map<string, string>();

  async get(conversation: string): Promise<string> {
    return (await (await this.db()).get('drafts', conversation))?.text ?? '';
  }

  /** Stores `text` ('' deletes the draft); returns false if it was already so. `at`: ms since the epoch. */
  async set(conversation: string, text: string, at: number): Promise<boolean> {
    if (typeof text !== 'string') throw new ValidationError('bad-draft', 'A draft must be text.');
    if (text.length > DRAFT_LIMIT)
      throw new ValidationError('too-long', `A draft can be at most ${DRAFT_LIMIT} characters; this one has ${text.length}.`);
    if (this.#written.get(conversation) === text) return false;
    this.#written.set(conversation, text);
    try {
      const db = await this.db();
      const tx = db.transaction('drafts', 'readwrite');
      const current = (await tx.store.get(conversation))?.text ?? '';
      if (current === text) return (await tx.done, false);
      if (text) await tx.store.put({ conversation, text, at });
      else await tx.store.delete(conversation);
      await tx.done;
      return true;
    } catch (e) {
      // Not written: what is stored is unknown again. (A later write has taken over if it began.)
      if (this.#written.get(conversation) === text) this.#written.delete(conversation);
      throw e;
    }
  }
}
