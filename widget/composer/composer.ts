import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Strings } from '../i18n/catalogue.ts';

/** The counter shows from this share of the limit on. */
const COUNTER_FROM = 0.9;

export interface ComposerHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/**
 * The text box: Enter sends, Shift+Enter adds a line; it grows with its text up to about six
 * lines (CSS max-height), then scrolls; near the limit a counter shows, and a text over the limit
 * is refused here, before it reaches the engine, with the limit in the error.
 */
export class Composer implements ReactiveController {
  length = 0;

  constructor(
    private readonly host: ComposerHost,
    private readonly submit: () => void,
    private readonly keyTyped: () => void,
    private readonly changed: (text: string) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  get box(): HTMLTextAreaElement | null {
    return this.host.renderRoot.querySelector('textarea');
  }

  get value(): string {
    return this.box?.value ?? '';
  }

  /** Replaces the text (after sending, or Edit on a failed message) and sizes the box to it. */
  set value(text: string) {
    const box = this.box;
    if (!box) return;
    box.value = text;
    this.#changed(box);
  }

  /** Whether `text` is over `max` characters; counts code points, as a visitor would. */
  static tooLong(text: string, max: number): boolean {
    return [...text].length > max;
  }

  onInput = (event: Event): void => this.#changed(event.target as HTMLTextAreaElement);

  onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.submit();
    } else if (event.key.length === 1) this.keyTyped();
  };

  #changed(box: HTMLTextAreaElement): void {
    // Grow with the text: measure from the smallest height; CSS max-height caps it and scrolls.
    box.style.height = 'auto';
    box.style.height = `${box.scrollHeight + box.offsetHeight - box.clientHeight}px`;
    this.length = [...box.value].length;
    this.changed(box.value);
    this.host.requestUpdate();
  }

  /** `tools`: buttons before the text box (attach, record). */
  render(strings: Strings, max: number, number: (n: number) => string, onSubmit: (e: Event) => void, tools: unknown = nothing): TemplateResult {
    const over = this.length > max;
    const counter = this.length >= max * COUNTER_FROM;
    return html`
      ${over ? html`<div class="error" id="too-long" role="alert">${strings.tooLong(number(max), number(this.length))}</div>` : nothing}
      <form class="composer" part="composer" @submit=${onSubmit}>
        ${tools}
        <textarea
          part="input"
          rows="1"
          dir="auto"
          aria-label=${strings.messageBox}
          aria-invalid=${over ? 'true' : 'false'}
          aria-describedby=${ifDefined(over ? 'too-long' : counter ? 'counter' : undefined)}
          placeholder=${strings.placeholder}
          @input=${this.onInput}
          @keydown=${this.onKeydown}
        ></textarea>
        ${counter
          ? html`<span id="counter" class="counter ${over ? 'over' : ''}">${strings.counter(number(this.length), number(max))}</span>`
          : nothing}
        <button class="primary" part="send" type="submit">${strings.send}</button>
      </form>
    `;
  }
}
