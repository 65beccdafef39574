import type { Composer } from '../composer/composer.ts';
import { DraftStore } from '../controllers/draft-store.ts';
import type { Session } from './session.ts';

/**
 * The element's side of the draft, which the engine keeps for every tab (worker/drafts.ts): what
 * the visitor types is saved, another tab's draft goes into the box, and a chat that opens its
 * conversation gets the stored draft back.
 */
export class DraftLink {
  readonly #store: DraftStore;
  /** Another tab's draft is going into the box: not a change to save again. */
  #applying = false;

  constructor(
    session: Session,
    private readonly composer: Composer,
  ) {
    this.#store = new DraftStore({ save: (text) => session.setDraft(text), load: () => session.draft() });
  }

  /** The text in the box changed. */
  typed(text: string): void {
    if (!this.#applying) this.#store.save(text);
  }

  /** The engine's draft for the conversation ('' if none, or if it cannot be read). */
  load(): Promise<string> {
    return this.#store.load();
  }

  /** A draft from another tab, or the stored one, goes into the box, unless the visitor is typing in it here. */
  apply(text: string): void {
    const box = this.composer.box;
    if (!box || box.value === text) return;
    if ((box.getRootNode() as Document | ShadowRoot).activeElement === box && document.hasFocus()) return;
    this.#applying = true;
    try {
      this.composer.value = text;
    } finally {
      this.#applying = false;
    }
  }

  /** The text is being sent, which clears the engine's draft: a save still waiting must not bring it back. */
  sending(): void {
    this.#store.cancel();
  }

  /** Sending failed: the text stays the draft. */
  failed(text: string): void {
    this.#store.save(text);
  }
}
