import type { EngineEvent, EngineListener } from './api.ts';

interface Tab {
  listener: EngineListener;
  /** conversation → how many widgets in the tab show it */
  conversations: Map<string, number>;
}

/**
 * The tabs connected to the engine. A SharedWorker is never told that a tab closed, so each
 * tab holds the Web Lock `parley-tab:<id>` for its life; the engine queues for the same lock
 * and is granted it only when the tab is gone (docs/platform.md, "SharedWorker").
 */
export class Tabs {
  readonly #tabs = new Map<string, Tab>();

  constructor(readonly onGone: (tabId: string) => void) {}

  get size(): number {
    return this.#tabs.size;
  }

  /** `release` frees what the listener holds (its comlink proxy) once the tab is gone. */
  add(tabId: string, listener: EngineListener, release: () => void = () => undefined): void {
    const known = this.#tabs.has(tabId);
    this.#tabs.set(tabId, { listener, conversations: this.#tabs.get(tabId)?.conversations ?? new Map() });
    if (known) return;
    void navigator.locks.request(`parley-tab:${tabId}`, () => {
      this.#tabs.delete(tabId);
      try {
        release();
      } catch {
        // Already released: nothing left to free.
      }
      this.onGone(tabId);
    });
  }

  subscribe(tabId: string, conversation: string): void {
    const { conversations } = this.#tab(tabId);
    conversations.set(conversation, (conversations.get(conversation) ?? 0) + 1);
  }

  /** One widget left; the tab still shows the conversation if another widget does. */
  unsubscribe(tabId: string, conversation: string): void {
    const { conversations } = this.#tab(tabId);
    const left = (conversations.get(conversation) ?? 0) - 1;
    if (left > 0) conversations.set(conversation, left);
    else conversations.delete(conversation);
  }

  /** True if any live tab shows a conversation that `match` accepts. */
  uses(match: (conversation: string) => boolean): boolean {
    for (const tab of this.#tabs.values()) for (const c of tab.conversations.keys()) if (match(c)) return true;
    return false;
  }

  /** Sends the event once to each tab that shows a matching conversation. */
  broadcast(match: (conversation: string) => boolean, event: EngineEvent): void {
    for (const tab of this.#tabs.values()) {
      if (![...tab.conversations.keys()].some(match)) continue;
      // A tab that is closing may not answer; its lock tells us soon, so ignore failures here.
      Promise.resolve(tab.listener(event)).catch(() => undefined);
    }
  }

  /** The tabs that show `conversation`. */
  showing(conversation: string): string[] {
    return [...this.#tabs].flatMap(([id, tab]) => (tab.conversations.has(conversation) ? [id] : []));
  }

  /** Sends the event to this tab only: an alert, or a draft for every tab but the one that typed it. */
  sendTo(tabId: string, event: EngineEvent): void {
    const tab = this.#tabs.get(tabId);
    if (tab) Promise.resolve(tab.listener(event)).catch(() => undefined);
  }

  #tab(tabId: string): Tab {
    const tab = this.#tabs.get(tabId);
    if (!tab) throw new Error('Parley: call hello() before anything else.');
    return tab;
  }
}
