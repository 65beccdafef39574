import { html, nothing, type TemplateResult } from 'lit';
import type { Strings } from '../i18n/catalogue.ts';
import type { ListView } from '../message-list/message-list.ts';
import { renderBanner, shortLink } from './banner.ts';
import { renderHealth } from './health-details.ts';
import { cross } from './launcher.ts';
import type { Session } from './session.ts';

export interface PanelView {
  strings: Strings;
  heading: string;
  /** Launcher mode: the panel is a dialog of its own. */
  launcher: boolean;
  /** The panel closes (launcher and panel modes): it has a close button, and Escape closes it. */
  closable: boolean;
  /** Drawn but hidden: a closed panel (launcher and panel modes), kept ready to open (panel-state.ts, `drawn`). */
  parked: boolean;
  session: Session;
  list: Omit<ListView, 'strings'>;
  /**
   * The list's module (it carries the virtualiser), once loaded; absent while a parked panel has
   * only its frame drawn (panel-state.ts, `listDrawn`): the list area is then empty.
   */
  listModule?: typeof import('../message-list/message-list.ts');
  /** ms since the epoch, for the countdown. */
  now: number;
  error: string;
  composer: TemplateResult;
  /** The `debug` attribute: connection details always show. */
  debug: boolean;
  /** The visitor opened "Details" from the banner. */
  details: boolean;
  /** "Copy diagnostics" has just copied. */
  copied: boolean;
  toggleDetails(): void;
  copyHealth(): void;
  close(): void;
  retryNow(): void;
  onKeydown(event: KeyboardEvent): void;
}

/**
 * The chat box: header, message list, typing line, connection banner, error, composer. A
 * non-modal dialog in launcher mode (the page stays usable), a named region inline and in panel
 * mode (there the page's own panel is the dialog).
 */
export function renderPanel(v: PanelView): TemplateResult {
  const { strings, session: s } = v;
  return html`
    <section id="panel" class=${v.parked ? 'panel parked' : 'panel'} ?inert=${v.parked} part="panel" role=${v.launcher ? 'dialog' : 'region'} aria-label=${v.heading} @keydown=${v.onKeydown}>
      <header part="header">
        <h2>${v.heading}</h2>
        <span class="state">
          <span class="dot" data-state=${s.state?.to ?? 'connecting'}></span>
          <span class="state-text">${shortLink(s.state, strings)}</span>
        </span>
        ${v.closable ? html`<button class="close" aria-label=${strings.closeChat} @click=${v.close}>${cross}</button>` : nothing}
      </header>
      ${v.listModule ? v.listModule.renderList({ ...v.list, strings }) : html`<div class="list-area"></div>`}
      <div class="typing">${s.typing.length ? strings.typing(s.typing) : ''}</div>
      ${renderBanner(s.state, v.now, strings, v.retryNow, { shown: v.details, toggle: v.toggleDetails })}
      ${v.debug || v.details ? renderHealth(s.health, strings.health, v.copied, v.copyHealth) : nothing}
      ${v.error ? html`<div class="error" role="alert">${v.error}</div>` : nothing}
      ${v.composer}
    </section>
  `;
}
