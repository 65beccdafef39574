import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { LinkHealth } from '../../worker/api.ts';
import type { Strings } from '../i18n/catalogue.ts';
import type { Session } from './session.ts';

/** A duration in ms, as a person reads it. */
const duration = (ms: number | undefined): string => (ms === undefined ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** The figures a support person asks for first (EngineApi.health(), worker/health.ts), in plain words. */
export function healthLines(h: LinkHealth, s: Strings['health']): string[] {
  return [
    s.state(h.state, duration(h.inStateFor)),
    s.drops(h.reconnects, h.changes.findLast((c) => c.to === 'reconnecting' || c.to === 'failed')?.reason ?? ''),
    s.roundTrip(duration(h.rtt.last), duration(h.rtt.median)),
    s.traffic(h.messages.in, h.messages.out),
    s.waiting(h.outbox.depth, duration(h.outbox.oldestAge)),
    s.server(h.url),
  ];
}

/**
 * What "Copy diagnostics" puts on the clipboard, for a support request. The engine's figures
 * hold no password, token or signature (worker/health.ts), and nothing here adds one.
 */
export const diagnostics = (h: LinkHealth): string =>
  JSON.stringify({ ...h, userAgent: navigator.userAgent, copiedAt: new Date().toISOString() }, null, 2);

/** The "Connection details" view: always with the `debug` attribute, else from the banner. */
export function renderHealth(h: LinkHealth | undefined, s: Strings['health'], copied: boolean, copy: () => void): TemplateResult {
  return html`
    <section class="health" part="health" aria-label=${s.title}>
      ${h ? html`<ul>${healthLines(h, s).map((line) => html`<li>${line}</li>`)}</ul>` : html`<p>${s.loading}</p>`}
      <button class="link copy" ?disabled=${!h} @click=${copy}>${copied ? s.copied : s.copy}</button>
    </section>
  `;
}

/** How long "Copied" shows on the button, in ms. */
const COPIED_FOR = 2_000;

/** The details view's state: shown from the banner or not, and "Copied" after a copy. */
export class HealthView implements ReactiveController {
  #details = false;
  #copied = false;

  constructor(
    readonly host: ReactiveControllerHost,
    readonly session: Session,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The panel's fields for the details view (widget/parley-chat/panel.ts). */
  view(debug: boolean) {
    return {
      debug,
      details: this.#details,
      copied: this.#copied,
      toggleDetails: () => {
        this.#details = !this.#details;
        if (this.#details) void this.session.refreshHealth();
        this.host.requestUpdate();
      },
      copyHealth: () => void this.#copy(),
    };
  }

  async #copy(): Promise<void> {
    const health = this.session.health;
    if (!health) return;
    await navigator.clipboard.writeText(diagnostics(health));
    this.#copied = true;
    this.host.requestUpdate();
    setTimeout(() => ((this.#copied = false), this.host.requestUpdate()), COPIED_FOR);
  }
}
