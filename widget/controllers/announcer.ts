import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';

/** Lines kept in the live log: enough for a burst, few enough that the DOM stays small. */
const KEEP = 5;

/**
 * Two visually hidden live regions, the only ones in the widget: a log that announces newly
 * arrived messages (sender and text), and a status for changes of connection state. History,
 * status glyphs and the reconnect countdown are never in a live region, so they are never read.
 */
export class Announcer implements ReactiveController {
  #lines: { id: number; text: string }[] = [];
  #next = 0;
  #status = '';

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  say(text: string): void {
    this.#lines = [...this.#lines, { id: this.#next++, text }].slice(-KEEP);
    this.host.requestUpdate();
  }

  set status(text: string) {
    if (text === this.#status) return;
    this.#status = text;
    this.host.requestUpdate();
  }

  render(): TemplateResult {
    return html`
      <div class="sr-only" role="log" aria-live="polite" aria-relevant="additions">${repeat(this.#lines, (l) => l.id, (l) => html`<p>${l.text}</p>`)}</div>
      <div class="sr-only" role="status">${this.#status}</div>
    `;
  }
}
