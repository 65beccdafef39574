import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';

/** Lines kept in the live log: enough for a burst, few enough that the DOM stays small. */
const KEEP = 5;

/**
 * Two visually hidden live regions, the only ones in the widget: a log that announces newly
 * arrived messages (sender and text), and a status for changes of connection state. History,
 * status glyphs and the reconnect countdown are never in a live region, so they are never read.
 *
 * A new line is a new `<p>` appended to the log and old ones are removed from its start, so a
 * screen reader hears only the addition (`aria-relevant="additions"`); Lit's plain list
 * rendering would rewrite the existing paragraphs' text instead. The paragraphs are appended
 * here rather than by Lit's `repeat` directive, which would load with every opened widget only
 * for this (0.45 kB gzip); the template leaves the log empty, so Lit never touches them.
 */
export class Announcer implements ReactiveController {
  /** Lines said since the last update, not yet in the log. */
  #pending: string[] = [];
  #status = '';

  constructor(private readonly host: ReactiveControllerHost & { readonly renderRoot: ParentNode }) {
    host.addController(this);
  }

  hostConnected(): void {}

  say(text: string): void {
    this.#pending = [...this.#pending, text].slice(-KEEP);
    this.host.requestUpdate();
  }

  set status(text: string) {
    if (text === this.#status) return;
    this.#status = text;
    this.host.requestUpdate();
  }

  hostUpdated(): void {
    const log = this.host.renderRoot.querySelector('div[role=log]');
    if (!log || !this.#pending.length) return;
    for (const text of this.#pending) {
      const line = document.createElement('p');
      line.textContent = text; // never markup
      log.append(line);
    }
    this.#pending = [];
    while (log.childElementCount > KEEP) log.firstElementChild!.remove();
  }

  render(): TemplateResult {
    return html`
      <div class="sr-only" role="log" aria-live="polite" aria-relevant="additions"></div>
      <div class="sr-only" role="status">${this.#status}</div>
    `;
  }
}
