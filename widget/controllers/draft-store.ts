/**
 * Keeps the unsent text of each conversation across reloads, in this browser's localStorage.
 * Widget-only for now: the engine will keep drafts in its IndexedDB so that other tabs see them
 * too (issue 9); then this becomes a call to the engine.
 */
export class DraftStore {
  constructor(private readonly key: () => string | undefined) {}

  save(text: string): void {
    const key = this.key();
    if (!key) return;
    try {
      if (text) localStorage.setItem(key, text);
      else localStorage.removeItem(key);
    } catch {
      // Storage may be disabled or full; a lost draft is only an inconvenience.
    }
  }

  load(): string {
    const key = this.key();
    try {
      return (key && localStorage.getItem(key)) || '';
    } catch {
      return '';
    }
  }
}
