import { html, nothing, type TemplateResult } from 'lit';
import type { StateChange } from '../../worker/api.ts';
import type { Strings } from '../i18n/catalogue.ts';

export type LinkKind = 'open' | 'connecting' | 'reconnecting' | 'offline' | 'failed' | 'closed';

export const linkKind = (change: StateChange | undefined): LinkKind => {
  switch (change?.to) {
    case 'open':
    case 'reconnecting':
    case 'offline':
    case 'failed':
    case 'closed':
      return change.to;
    default:
      return 'connecting';
  }
};

/** What the header says about the link, countdown included. `now` in ms since the epoch. */
export function describeLink(change: StateChange | undefined, now: number, strings: Strings): string {
  switch (linkKind(change)) {
    case 'open':
      return strings.connected;
    case 'connecting':
      return change?.attempt ? strings.reconnectAttempt(change.attempt) : strings.connecting;
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil(((change?.nextRetryAt ?? now) - now) / 1000));
      return seconds > 0 ? strings.reconnectingIn(seconds) : strings.reconnecting;
    }
    case 'offline':
      return strings.offline;
    case 'failed':
      return strings.cannotConnect(change?.error?.message ?? change?.reason ?? '');
    case 'closed':
      return strings.disconnected;
  }
}

/** The header's short word for the link; the banner carries the details. */
export function shortLink(change: StateChange | undefined, strings: Strings): string {
  switch (linkKind(change)) {
    case 'open':
      return strings.connected;
    case 'connecting':
      return strings.connecting;
    case 'reconnecting':
      return strings.reconnecting;
    case 'offline':
      return strings.offlineShort;
    case 'failed':
      return strings.notConnected;
    case 'closed':
      return strings.disconnected;
  }
}

/**
 * What is announced about the link: one sentence per kind of state, without the countdown, so
 * that a screen reader hears "Reconnecting…" once, not every second. An outage's attempts
 * (`connecting` with an attempt number) are part of the same reconnecting: their numbered
 * sentence would be said at every attempt, and "Reconnecting…" again after each. Back to open
 * says nothing.
 */
export function announceLink(change: StateChange | undefined, strings: Strings): string {
  const kind = linkKind(change);
  if (kind === 'open') return '';
  if (kind === 'reconnecting' || (kind === 'connecting' && change?.attempt)) return strings.reconnecting;
  return describeLink(change, 0, strings);
}

/** The banner above the composer while the link is not open. Not a live region itself. */
export function renderBanner(
  change: StateChange | undefined,
  now: number,
  strings: Strings,
  retryNow: () => void,
  details: { shown: boolean; toggle(): void },
): TemplateResult | typeof nothing {
  const kind = linkKind(change);
  if (kind === 'open') return nothing;
  return html`
    <div class="banner" part="banner" data-kind=${kind}>
      <span class="banner-text">${describeLink(change, now, strings)}</span>
      ${kind === 'reconnecting' || kind === 'failed'
        ? html`<button class="retry-now link" @click=${retryNow}>${strings.retryNow}</button>`
        : nothing}
      <button class="details link" aria-expanded=${String(details.shown)} @click=${details.toggle}>
        ${details.shown ? strings.health.hide : strings.health.show}
      </button>
    </div>
  `;
}
