import { html, nothing, svg, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Strings } from '../i18n/catalogue.ts';
import { closable } from './properties.ts';

const bubble = svg`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>`;
/** An icon, hidden from assistive technology: the button's label names it. */
export const cross = svg`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4L12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"/></svg>`;

/**
 * The round button in a corner that opens and closes the panel, with the unread badge.
 * `reaching` runs when a pointer comes over it or it takes focus: the moment to fetch what the
 * panel needs, a few hundred ms before the click.
 */
export function renderLauncher(open: boolean, unread: number, strings: Strings, toggle: () => void, number: (n: number) => string, reaching: () => void): TemplateResult {
  const label = open ? strings.closeChat : unread ? `${strings.openChat}, ${strings.unreadCount(unread)}` : strings.openChat;
  return html`
    <button
      class="launcher"
      part="launcher"
      aria-label=${label}
      aria-expanded=${open ? 'true' : 'false'}
      aria-controls=${ifDefined(open ? 'panel' : undefined)}
      @click=${toggle}
      @pointerenter=${reaching}
      @focus=${reaching}
    >
      ${open ? cross : bubble}
      ${unread && !open ? html`<span class="badge" part="badge" aria-hidden="true">${unread > 99 ? '99+' : number(unread)}</span>` : nothing}
    </button>
  `;
}

/**
 * The panel's Escape: an open panel closes (launcher and panel modes). Focus goes back to the
 * launcher: the element's own, or the page's, which moves it on `parley-close`.
 */
export const escapeCloses =
  (chat: { mode: string; isOpen: boolean; close(): void }) =>
  (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !closable(chat.mode) || !chat.isOpen) return;
    event.stopPropagation();
    chat.close();
  };
