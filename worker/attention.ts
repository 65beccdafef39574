import type { ChatMessage } from './api.ts';
import { AlertBatch, Alerts } from './alerts.ts';
import { ValidationError } from './errors.ts';
import type { ReadState } from './read-state.ts';
import type { Tabs } from './tabs.ts';
import type { Timers } from './timers.ts';
import { UnreadCounter } from './unread-counter.ts';

/**
 * What calls for the visitor's attention, for the Engine: each conversation's unread count,
 * sent to its tabs when it changes (worker/unread-counter.ts), and the one tab that alerts
 * for a new message (worker/alerts.ts), from what each tab says it shows.
 */
export class Attention {
  readonly #alerts: Alerts;
  readonly #batch = new AlertBatch((message) => this.#alert(message));
  readonly #unread: UnreadCounter;

  constructor(
    readonly reads: ReadState,
    readonly tabs: Tabs,
    timers: Timers,
  ) {
    this.#alerts = new Alerts(() => timers.now());
    this.#unread = new UnreadCounter(reads, timers, (conversation, event) => tabs.broadcast((c) => c === conversation, event));
  }

  /**
   * Someone else's message is stored: the count changes, and one tab may alert. Called before
   * the message's own broadcast: the alert's microtask (AlertBatch) is then queued ahead of the
   * event batch's flush (worker/event-batch.ts), so the alert, the count (when it is known
   * without a read) and the message cross to the tab together.
   */
  arrived(message: ChatMessage): void {
    this.#batch.add(message);
    void this.#unread.arrived(message).catch(() => undefined);
  }

  /** The first join's catch-up is stored by now: it starts out read (worker/read-state.ts). */
  joined(conversation: string): void {
    void this.reads.start(conversation).then((set) => (set ? this.#unread.count(conversation) : undefined), () => undefined);
  }

  /** The read cursor moved: the tabs hear the new count. */
  recount(conversation: string): Promise<void> {
    return this.#unread.count(conversation);
  }

  /** A tab says whether its page is visible, and which conversations it shows on screen. */
  visibility(tabId: string, visible: boolean, looking?: string[]): void {
    if (typeof visible !== 'boolean' || (looking !== undefined && !(Array.isArray(looking) && looking.every((c) => typeof c === 'string'))))
      throw new ValidationError('bad-visibility', 'visibility() takes a boolean and a list of conversation keys.');
    this.#alerts.visibility(tabId, visible, looking);
  }

  gone(tabId: string): void {
    this.#alerts.gone(tabId);
  }

  /** The last of a burst's messages in a conversation (worker/alerts.ts, AlertBatch). */
  #alert(message: ChatMessage): void {
    const target = this.#alerts.target(message, this.tabs.showing(message.conversation));
    if (target) this.tabs.sendTo(target, { type: 'alert', message });
  }
}
