import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatMessage } from '../../worker/api.ts';
import { PENDING_BASE } from '../../worker/order.ts';

/** Share of a message line that must be on screen for it to count as seen (IntersectionObserver threshold). */
const SEEN_SHARE = 0.5;
/** How long seen lines gather before one `markRead` call, in ms: a scroll through history makes one call. */
const REPORT_AFTER = 300;

export interface SeenHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export interface SeenDeps {
  /** The messages the list holds, to find a line's `order` by its `data-id`. */
  messages(): readonly ChatMessage[];
  /** The chat is drawn for the visitor: the panel is open, or the element is inline. */
  showing(): boolean;
  /** Reports the highest order seen; the engine moves the read cursor (EngineApi.markRead). */
  report(order: number): void;
}

/**
 * Tells the engine what the visitor has seen: a message counts once at least half of its line
 * is on screen (the viewport, and inside the list's scroll box), the chat is showing, and the
 * page is visible. Reports only forward, coalesced: the highest order seen every REPORT_AFTER ms.
 */
export class SeenController implements ReactiveController {
  #observer?: IntersectionObserver;
  /** The virtualiser adds lines on its own, after the host's render: watch for them too. */
  #added?: MutationObserver;
  #log?: Element;
  /** Ids of the lines at least SEEN_SHARE on screen now. */
  readonly #inView = new Set<string>();
  /** The highest order reported, or known read from the engine: never report at or below it. */
  #reported = -Infinity;
  #pending?: number;
  #timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly host: SeenHost,
    private readonly deps: SeenDeps,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#check);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#check);
    this.#disconnect();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** After each render: watch the lines in the DOM, and those the virtualiser adds later. */
  hostUpdated(): void {
    const log = this.host.renderRoot.querySelector('.log') ?? undefined;
    if (log !== this.#log) {
      this.#disconnect();
      this.#log = log;
      if (log) {
        // Root: the viewport, so that an inline chat scrolled off the page sees nothing; the
        // list's own overflow clips the lines scrolled out of it.
        this.#observer = new IntersectionObserver(this.#seen, { threshold: SEEN_SHARE });
        this.#added = new MutationObserver(() => this.#watch());
        this.#added.observe(log, { childList: true, subtree: true });
      }
    }
    this.#watch();
  }

  /** Observing a line twice is a no-op (IntersectionObserver), so every pass takes them all. */
  #watch(): void {
    if (!this.#log || !this.#observer) return;
    for (const line of this.#log.querySelectorAll<HTMLElement>('[data-id]')) this.#observer.observe(line);
    this.#check();
  }

  /** The engine's cursor (any tab): nothing at or below it needs reporting again. */
  known(read: number): void {
    this.#reported = Math.max(this.#reported, read);
  }

  /** A new conversation: what was reported for the last one says nothing of this one. */
  reset(): void {
    this.#reported = -Infinity;
    this.#pending = undefined;
    this.#inView.clear();
  }

  readonly #seen = (entries: IntersectionObserverEntry[]): void => {
    for (const entry of entries) {
      const id = (entry.target as HTMLElement).dataset.id;
      if (!id) continue;
      if (entry.isIntersecting && entry.intersectionRatio >= SEEN_SHARE) this.#inView.add(id);
      else this.#inView.delete(id);
    }
    this.#check();
  };

  /** Counts what is on screen as seen, if the visitor can see it now. */
  readonly #check = (): void => {
    if (!this.#inView.size || document.visibilityState !== 'visible' || !this.deps.showing()) return;
    let highest = -Infinity;
    for (const m of this.deps.messages())
      // An own message the server has not placed yet has no place to read up to (worker/order.ts).
      if (this.#inView.has(m.id) && m.order < PENDING_BASE && m.order > highest) highest = m.order;
    if (highest <= this.#reported || highest <= (this.#pending ?? -Infinity)) return;
    this.#pending = highest;
    this.#timer ??= setTimeout(this.#flush, REPORT_AFTER);
  };

  readonly #flush = (): void => {
    this.#timer = undefined;
    const order = this.#pending;
    this.#pending = undefined;
    if (order === undefined || order <= this.#reported) return;
    this.#reported = order;
    this.deps.report(order);
  };

  #disconnect(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#added?.disconnect();
    this.#added = undefined;
    this.#inView.clear();
  }
}
