import { virtualize, virtualizerRef } from '@lit-labs/virtualizer/virtualize.js';
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { ListLayout } from './list-layout.ts';
import { renderRow, type RowContext } from './message-row.ts';
import type { Row } from './rows.ts';
import type { Virtual } from './scroll-keeper.ts';

/**
 * The virtualiser's layout, named rather than left to its default: the default is imported on
 * first use, a chunk fetched after the list's own, and until it arrives the virtualiser cannot
 * lay out or jump to the newest line (that cost the first page a further round trip and frames).
 * The flow layout, with a fix for a list that follows new lines without frames (list-layout.ts).
 */
const LAYOUT = { type: ListLayout };

export interface ListView extends RowContext {
  rows: readonly Row[];
  /** Older messages exist, here or on the server. */
  more: boolean;
  loading: boolean;
  newCount: number;
  onScroll(): void;
  /** The reader's wheel, touch, keys and presses on the list (reader-hands.ts). */
  onInput: EventListenerObject & AddEventListenerOptions;
  loadOlder(): void;
  jumpToNewest(): void;
}

/**
 * The message list. Only the lines in and near view are in the DOM (@lit-labs/virtualizer), so
 * a long conversation costs what one screenful costs. The list itself is not a live region:
 * newly arrived messages are announced by widget/controllers/announcer.ts, history never is.
 */
export function renderList(v: ListView): TemplateResult {
  const { strings } = v;
  const empty = v.rows.length === 0;
  return html`
    <div class="list-area">
      ${v.more && !empty
        ? html`<div class="older"><button @click=${v.loadOlder} ?disabled=${v.loading}>
            ${v.loading ? strings.loadingEarlier : strings.showEarlier}</button></div>`
        : nothing}
      ${empty ? html`<p class="empty">${strings.empty}</p>` : nothing}
      <div
        class="log"
        part="log"
        role=${ifDefined(empty ? undefined : 'list')}
        aria-label=${ifDefined(empty ? undefined : strings.messages)}
        tabindex=${ifDefined(empty ? undefined : '0')}
        @scroll=${v.onScroll}
        @wheel=${v.onInput}
        @touchmove=${v.onInput}
        @keydown=${v.onInput}
        @pointerdown=${v.onInput}
      >
        ${virtualize({ items: v.rows as Row[], keyFunction: (r: Row) => r.key, renderItem: (r: Row) => renderRow(r, v), scroller: true, layout: LAYOUT })}
      </div>
      ${v.newCount
        ? html`<button class="new-pill" part="new-messages" @click=${v.jumpToNewest}>↓ ${strings.newMessages(v.newCount)}</button>`
        : nothing}
    </div>
  `;
}

/** The virtualiser that lays out `scroller`, for scroll-keeper.ts. */
export const virtualOf = (scroller: HTMLElement): Virtual | undefined =>
  (scroller as HTMLElement & { [virtualizerRef]?: Virtual })[virtualizerRef];
