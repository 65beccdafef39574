import type { ChatMessage } from './api.ts';

/** A message older than this (ms) when it arrives is catch-up, not news: it never alerts. */
export const ALERT_WINDOW = 60_000;

interface View {
  visible: boolean;
  /** When the tab was last visible (or its last report while visible), ms since the epoch; 0 if never. */
  seenAt: number;
  /** Conversations the tab shows on screen. */
  looking: ReadonlySet<string>;
}

const HIDDEN: View = { visible: false, seenAt: 0, looking: new Set() };

/**
 * Picks the one tab that alerts (sound, Notification) for a new message, so that a browser with
 * five tabs beeps once: a visible tab if there is one, else the one most recently visible. No
 * tab alerts while the visitor is looking at the conversation in a visible tab.
 */
export class Alerts {
  readonly #views = new Map<string, View>();

  constructor(private readonly now: () => number) {}

  visibility(tabId: string, visible: boolean, looking: readonly string[] = []): void {
    const before = this.#views.get(tabId) ?? HIDDEN;
    // A tab that was visible until now was seen now, whether it shows or hides.
    const seenAt = visible || before.visible ? this.now() : before.seenAt;
    this.#views.set(tabId, { visible, seenAt, looking: new Set(looking) });
  }

  gone(tabId: string): void {
    this.#views.delete(tabId);
  }

  /** The tab to alert for `message`, among `tabs` (those that show its conversation); undefined for none. */
  target(message: ChatMessage, tabs: readonly string[]): string | undefined {
    if (message.mine || !(message.ts >= this.now() - ALERT_WINDOW)) return undefined;
    let best: { id: string; view: View } | undefined;
    for (const id of tabs) {
      const view = this.#views.get(id) ?? HIDDEN;
      if (view.visible && view.looking.has(message.conversation)) return undefined;
      if (!best || Number(view.visible) - Number(best.view.visible) > 0 || (view.visible === best.view.visible && view.seenAt > best.view.seenAt))
        best = { id, view };
    }
    return best?.id;
  }
}

/**
 * Messages shown in one task (a stored batch, a catch-up) alert once per conversation, for the
 * last of them: a burst gives one beep or notification, not one per message (a burst of 10 000
 * once sent a hidden tab 10 000 alert events, each a structured clone across the boundary).
 */
export class AlertBatch {
  /** conversation → the last message from someone else shown in this task. */
  readonly #due = new Map<string, ChatMessage>();

  constructor(private readonly alert: (message: ChatMessage) => void) {}

  add(message: ChatMessage): void {
    if (!this.#due.size) queueMicrotask(() => this.#flush());
    this.#due.set(message.conversation, message);
  }

  #flush(): void {
    const due = [...this.#due.values()];
    this.#due.clear();
    for (const message of due) this.alert(message);
  }
}
