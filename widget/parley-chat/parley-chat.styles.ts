import { css } from 'lit';
import { theme } from './theme.styles.ts';

/** The frame: inline box or launcher and panel, header, banner. The page's CSS cannot leak in. */
const frame = css`
  :host {
    display: block;
    font: var(--_font);
    color: var(--_fg);
  }
  :host(:not([mode='launcher'])) {
    height: var(--parley-height, 480px);
    min-width: 260px;
  }
  [hidden] { display: none !important; }
  /* Laid out as when open, so that opening it needs no new layout; hidden from eyes, pointers and assistive technology. */
  .panel.parked { visibility: hidden; }
  .panel {
    display: flex;
    flex-direction: column;
    box-sizing: border-box;
    height: 100%;
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  :host([mode='launcher']) .panel {
    position: fixed;
    z-index: var(--_z);
    bottom: 88px;
    right: 20px;
    width: var(--parley-width, 380px);
    height: min(var(--parley-height, 600px), calc(100dvh - 108px));
    box-shadow: 0 8px 32px rgb(0 0 0 / 0.25);
  }
  :host([mode='launcher'][position='bottom-left']) .panel { right: auto; left: 20px; }
  .launcher {
    position: fixed;
    z-index: var(--_z);
    bottom: 20px;
    right: 20px;
    width: 56px;
    height: 56px;
    border-radius: 50%;
    border: none;
    padding: 0;
    background: var(--_accent);
    color: var(--_on-accent);
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.3);
    cursor: pointer;
    display: grid;
    place-items: center;
  }
  :host([position='bottom-left']) .launcher { right: auto; left: 20px; }
  .launcher svg { width: 28px; height: 28px; fill: currentColor; }
  .badge {
    position: absolute;
    top: -4px;
    right: -4px;
    min-width: 22px;
    height: 22px;
    padding: 0 6px;
    box-sizing: border-box;
    border-radius: 11px;
    background: #b91c1c;
    color: #fff;
    font: 600 12px/22px system-ui, sans-serif;
    text-align: center;
    border: 2px solid #fff;
  }
  /* Phones: the panel takes the screen, and ends above the on-screen keyboard. */
  @media (max-width: 480px) {
    :host([mode='launcher'][position]) .panel {
      inset: var(--_vv-top, 0) 0 auto 0;
      width: 100%;
      height: var(--_vv-height, 100dvh);
      border-radius: 0;
      border: none;
    }
    :host([mode='launcher'][open]) .launcher { display: none; }
  }
  @media (prefers-reduced-motion: no-preference) {
    :host([mode='launcher']) .panel:not(.parked) { animation: rise 160ms ease-out; }
    @keyframes rise { from { opacity: 0; transform: translateY(12px); } }
  }
  header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 10px 12px;
    border-bottom: 1px solid var(--_border);
  }
  h2 { font-size: 1em; margin: 0; flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .state { font-size: 0.85em; color: var(--_muted); display: flex; align-items: center; gap: 6px; }
  .dot { width: 8px; height: 8px; border-radius: 50%; background: #9ca3af; flex: none; }
  .dot[data-state='open'] { background: #16a34a; }
  .dot[data-state='reconnecting'], .dot[data-state='connecting'] { background: #d97706; }
  .dot[data-state='failed'], .dot[data-state='offline'] { background: #dc2626; }
  button.close { border: none; padding: 4px; display: grid; place-items: center; }
  button.close svg { width: 20px; height: 20px; fill: currentColor; }
  .banner {
    display: flex;
    gap: 8px;
    align-items: center;
    justify-content: space-between;
    padding: 6px 12px;
    font-size: 0.85em;
    background: var(--_banner-bg);
    color: var(--_banner-fg);
  }
  .banner button { color: var(--_banner-fg); border-color: currentColor; }
  .banner .banner-text { flex: 1; }
  .health { padding: 6px 12px; font-size: 0.8em; border-top: 1px solid var(--_border); }
  .health ul { margin: 0 0 4px; padding-inline-start: 1.2em; }
  .typing { min-height: 1.4em; padding: 0 12px; font-size: 0.8em; color: var(--_muted); }
  .error { color: var(--_danger); font-size: 0.85em; padding: 4px 12px; }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: 8px;
    border: 1px solid var(--_accent);
    background: transparent;
    color: var(--_accent);
    padding: 2px 8px;
  }
  button.primary { background: var(--_accent); color: var(--_on-accent); padding: 6px 14px; }
  button:disabled { opacity: 0.6; cursor: default; }
  :focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
  .launcher:focus-visible { outline-color: var(--_fg); outline-offset: 3px; }
  .sr-only {
    position: absolute !important;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
`;

export const styles = [theme, frame];
