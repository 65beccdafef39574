import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Attachment } from '../../worker/api.ts';
import type { Strings } from '../i18n/catalogue.ts';
import { cross } from '../parley-chat/launcher.ts';

export interface ViewerHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/**
 * The full-size image viewer: a modal `<dialog>` (HTML §4.11.4), so the rest of the page is
 * inert while it shows. Escape closes it without also closing a launcher's panel, Tab and
 * Shift+Tab cycle inside it, and focus goes back to the image that opened it (WAI-ARIA APG,
 * "Dialog (Modal) Pattern").
 */
export class Viewer implements ReactiveController {
  current?: { attachment: Attachment; src: string };
  #trigger?: HTMLElement;

  constructor(private readonly host: ViewerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  get #dialog(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector('dialog.viewer');
  }

  open(attachment: Attachment, src: string, trigger: HTMLElement): void {
    this.current = { attachment, src };
    this.#trigger = trigger;
    this.host.requestUpdate();
  }

  close = (): void => {
    if (!this.current) return;
    this.current = undefined;
    this.#dialog?.close();
    this.host.requestUpdate();
    const trigger = this.#trigger;
    this.#trigger = undefined;
    // The list may have redrawn the image's row meanwhile: find it again by its data-att.
    const key = trigger?.dataset.att;
    void this.host.updateComplete.then(() =>
      (trigger?.isConnected ? trigger : this.host.renderRoot.querySelector<HTMLElement>(`[data-att="${CSS.escape(key ?? '')}"]`))?.focus(),
    );
  };

  hostUpdated(): void {
    const dialog = this.#dialog;
    if (!this.current || !dialog || dialog.open) return;
    dialog.showModal();
    dialog.querySelector<HTMLElement>('button.viewer-close')?.focus();
  }

  #onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      // Ours to handle: the panel's Escape (close the launcher's panel) must not see it.
      event.preventDefault();
      event.stopPropagation();
      return this.close();
    }
    if (event.key !== 'Tab') return;
    const focusable = [...(this.#dialog?.querySelectorAll<HTMLElement>('button, a[href]') ?? [])];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = (this.host.renderRoot as ShadowRoot).activeElement;
    if (!first || !last) return;
    if (event.shiftKey ? active === first || !focusable.includes(active as HTMLElement) : active === last) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }
  };

  render(strings: Strings): TemplateResult | typeof nothing {
    if (!this.current) return nothing;
    const { attachment: a, src } = this.current;
    return html`
      <dialog class="viewer" aria-label=${strings.viewer(a.name)} @keydown=${this.#onKeydown} @cancel=${(e: Event) => (e.preventDefault(), this.close())}>
        <div class="viewer-bar">
          <span class="viewer-name" dir="auto">${a.name}</span>
          <a class="viewer-download" href=${src} download=${a.name} target="_blank" rel="noopener noreferrer">${strings.download}</a>
          <button class="viewer-close" aria-label=${strings.closeViewer} @click=${this.close}>${cross}</button>
        </div>
        <img class="viewer-image" src=${src} alt=${a.name} />
      </dialog>
    `;
  }
}
