import { css } from 'lit';

/** The attachment UI's styles, adopted into the element's shadow root when the module loads. */
export const attachmentStyles = css`
  .tray { list-style: none; margin: 0; padding: 6px 8px 0; display: flex; gap: 6px; flex-wrap: wrap; border-top: 1px solid var(--_border); }
  .tray-item { display: flex; align-items: center; gap: 6px; max-width: 100%; padding: 4px 4px 4px 4px; border: 1px solid var(--_border); border-radius: 8px; font-size: 0.85em; }
  .tray-thumb { width: 40px; height: 40px; flex: none; object-fit: cover; border-radius: 4px; display: grid; place-items: center; color: var(--_muted); }
  .tray-text { display: flex; flex-direction: column; min-width: 0; }
  .tray-name { max-width: 14em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .tray-size { color: var(--_muted); font-size: 0.9em; }
  .tray-remove { border: none; padding: 4px; display: grid; place-items: center; }
  .tray-remove svg { width: 18px; height: 18px; fill: currentColor; }
  .icon { width: 24px; height: 24px; fill: currentColor; flex: none; }
  .recorder { display: flex; align-items: center; gap: 8px; padding: 6px 8px 0; border-top: 1px solid var(--_border); }
  .rec-dot { width: 10px; height: 10px; border-radius: 50%; background: var(--_danger); }
  .rec-time { flex: 1; font-variant-numeric: tabular-nums; }
  .attachments { display: flex; flex-direction: column; gap: 6px; margin: 4px 0; max-width: 100%; }
  .att { margin: 0; max-width: 100%; }
  .att-image { position: relative; display: block; padding: 0; border: none; border-radius: 8px; overflow: hidden; background: var(--_border); max-width: 100%; height: auto; }
  .att-image img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; display: block; }
  /* The preview is tiny: blurred, it reads as the image coming into focus. */
  .att-preview { filter: blur(6px); transform: scale(1.05); }
  .att-full { opacity: 0; transition: opacity 150ms; }
  .att-full.loaded { opacity: 1; }
  @media (prefers-reduced-motion: reduce) { .att-full { transition: none; } }
  .att-video video { display: block; max-width: 100%; height: auto; border-radius: 8px; background: #000; }
  .att-audio audio { display: block; max-width: 100%; }
  figcaption { font-size: 0.8em; color: var(--_muted); overflow-wrap: anywhere; }
  .att-file { min-width: min(250px, 100%); box-sizing: border-box; display: flex; align-items: center; gap: 8px; padding: 6px 8px; border: 1px solid var(--_border); border-radius: 8px; background: var(--_bg); }
  .att-text { display: flex; flex-direction: column; min-width: 0; flex: 1; }
  .att-name { font-weight: 600; overflow-wrap: anywhere; }
  .att-details { font-size: 0.8em; color: var(--_muted); }
  .att-download { color: var(--_accent); font-size: 0.85em; padding: 2px 8px; border: 1px solid var(--_accent); border-radius: 8px; text-decoration: none; }
  .att-blocked { font-size: 0.85em; color: var(--_muted); overflow-wrap: anywhere; }
  .att-wait { color: var(--_muted); font-size: 0.85em; }
  progress.upload { display: block; width: 100%; accent-color: var(--_accent); }
  dialog.viewer { border: none; padding: 0; max-width: min(96vw, 1200px); max-height: 96vh; background: var(--_bg); color: var(--_fg); border-radius: var(--_radius); overflow: hidden; }
  dialog.viewer::backdrop { background: rgb(0 0 0 / 0.75); }
  .viewer-bar { display: flex; align-items: center; gap: 8px; padding: 6px 8px; }
  .viewer-name { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; }
  .viewer-download { color: var(--_accent); }
  .viewer-close { border: none; padding: 4px; display: grid; place-items: center; }
  .viewer-close svg { width: 20px; height: 20px; fill: currentColor; }
  .viewer-image { display: block; max-width: min(96vw, 1200px); max-height: calc(96vh - 44px); object-fit: contain; margin: 0 auto; }
`;
