import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Tracks the visual viewport (the part of the page not covered by an on-screen keyboard) in two
 * custom properties on the host, `--_vv-height` and `--_vv-top` (px), so that a full-screen
 * panel ends above the keyboard and its composer stays visible. Without `visualViewport` the
 * properties stay unset and the CSS falls back to the layout viewport (100dvh).
 */
export class VisualViewportController implements ReactiveController {
  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    visualViewport?.addEventListener('resize', this.#update);
    visualViewport?.addEventListener('scroll', this.#update);
    this.#update();
  }

  hostDisconnected(): void {
    visualViewport?.removeEventListener('resize', this.#update);
    visualViewport?.removeEventListener('scroll', this.#update);
  }

  #update = (): void => {
    if (!visualViewport) return;
    this.host.style.setProperty('--_vv-height', `${visualViewport.height}px`);
    this.host.style.setProperty('--_vv-top', `${visualViewport.offsetTop}px`);
  };
}
