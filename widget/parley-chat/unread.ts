import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface UnreadHost extends ReactiveControllerHost {
  /** The `title-badge` attribute: count unread in the page title while the page is hidden. */
  readonly titleBadge: boolean;
}

/** The badge's prefix: "(2) Support". */
const badge = (count: number) => `(${count > 99 ? '99+' : count}) `;

/**
 * The unread count as the engine keeps it (worker/read-state.ts): others' messages after the
 * visitor's read cursor, the same in every tab. Tells the element when it changes, and with
 * `title-badge` puts "(2) " before `document.title` while the page is hidden, removing it again
 * when the page shows or nothing is unread.
 */
export class UnreadCounter implements ReactiveController {
  count = 0;
  /** The title as the page set it, while ours has the badge. */
  #plain?: string;
  #badged?: string;

  constructor(
    private readonly host: UnreadHost,
    private readonly changed: (count: number) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#title);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#title);
    this.#restore();
  }

  hostUpdated(): void {
    this.#title();
  }

  set(count: number): void {
    if (count === this.count) return;
    this.count = count;
    this.changed(count);
    this.#title();
    this.host.requestUpdate();
  }

  readonly #title = (): void => {
    // The page changed its own title meanwhile: that is the title to restore and to badge.
    if (this.#badged !== undefined && document.title !== this.#badged) this.#plain = document.title;
    if (this.host.titleBadge && this.count > 0 && document.visibilityState === 'hidden') {
      this.#plain ??= document.title;
      this.#badged = badge(this.count) + this.#plain;
      if (document.title !== this.#badged) document.title = this.#badged;
    } else this.#restore();
  };

  #restore(): void {
    if (this.#plain !== undefined && document.title === this.#badged) document.title = this.#plain;
    this.#plain = this.#badged = undefined;
  }
}
