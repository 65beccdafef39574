/** Quiet time after the last keystroke before the draft goes to the engine, in ms. */
const SAVE_AFTER = 300;

export interface DraftLink {
  /** Stores the draft in the engine ('' deletes it); the engine tells the other tabs. */
  save(text: string): Promise<void> | undefined;
  /** The engine's draft for the conversation. */
  load(): Promise<string> | undefined;
}

/**
 * The composer's unsent text, kept by the engine in IndexedDB (worker/drafts.ts), so that it
 * survives a reload and shows in every tab. Saves SAVE_AFTER ms after the last change.
 */
export class DraftStore {
  #timer?: ReturnType<typeof setTimeout>;
  #text?: string;

  constructor(private readonly link: DraftLink) {}

  save(text: string): void {
    this.#text = text;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.flush(), SAVE_AFTER);
  }

  /** Saves a change still waiting for its quiet time now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const text = this.#text;
    this.#text = undefined;
    // A draft that could not be kept is only an inconvenience; the text is still in the box.
    if (text !== undefined) void this.link.save(text)?.catch(() => undefined);
  }

  /** Drops a change not yet saved: the text was sent, and sending clears the engine's draft. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#text = undefined;
  }

  async load(): Promise<string> {
    try {
      return (await this.link.load()) ?? '';
    } catch {
      return '';
    }
  }
}
