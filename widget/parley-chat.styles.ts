import { css } from 'lit';

/** Themed through `--parley-*` custom properties and `::part()`; the page's CSS cannot leak in. */
export const styles = css`
  :host {
    --_accent: var(--parley-accent, #4f46e5);
    --_bg: var(--parley-background, #fff);
    --_fg: var(--parley-foreground, #1f2937);
    --_muted: var(--parley-muted, #4b5563);
    --_mine: var(--parley-mine-background, #eef2ff);
    --_theirs: var(--parley-theirs-background, #f3f4f6);
    --_radius: var(--parley-radius, 12px);
    display: flex;
    flex-direction: column;
    box-sizing: border-box;
    height: var(--parley-height, 480px);
    min-width: 260px;
    font: var(--parley-font, 14px/1.4 system-ui, sans-serif);
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid #d1d5db;
    border-radius: var(--_radius);
    overflow: hidden;
  }
  header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 12px;
    border-bottom: 1px solid #e5e7eb;
  }
  h2 { font-size: 1em; margin: 0; flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .state { font-size: 0.85em; color: var(--_muted); display: flex; align-items: center; gap: 6px; }
  .dot { width: 8px; height: 8px; border-radius: 50%; background: #9ca3af; flex: none; }
  .dot[data-state='open'] { background: #16a34a; }
  .dot[data-state='reconnecting'], .dot[data-state='connecting'] { background: #d97706; }
  .dot[data-state='failed'], .dot[data-state='offline'] { background: #dc2626; }
  .log { flex: 1; overflow-y: auto; }
  ol { list-style: none; margin: 0; padding: 12px; min-height: 100%; box-sizing: border-box; display: flex; flex-direction: column; gap: 6px; }
  li { max-width: 80%; align-self: flex-start; background: var(--_theirs); padding: 6px 10px; border-radius: var(--_radius); }
  li.mine { align-self: flex-end; background: var(--_mine); }
  li.failed { outline: 1px solid #dc2626; }
  .from { font-weight: 600; font-size: 0.85em; }
  .text { white-space: pre-wrap; overflow-wrap: anywhere; }
  .meta { font-size: 0.75em; color: var(--_muted); display: flex; gap: 6px; justify-content: flex-end; align-items: center; }
  .empty { color: var(--_muted); text-align: center; margin: auto; }
  .status[data-status='read'] { color: var(--_accent); font-weight: 600; }
  .status[data-status='failed'] { color: #b91c1c; font-weight: 600; }
  .typing { min-height: 1.4em; padding: 0 12px; font-size: 0.8em; color: var(--_muted); }
  form { display: flex; gap: 8px; padding: 8px; border-top: 1px solid #e5e7eb; }
  textarea { flex: 1; resize: none; font: inherit; padding: 6px 8px; border: 1px solid #9ca3af; border-radius: 8px; min-height: 2.2em; max-height: 8em; }
  button { font: inherit; cursor: pointer; border-radius: 8px; border: 1px solid var(--_accent); background: transparent; color: var(--_accent); padding: 2px 8px; }
  button.primary { background: var(--_accent); color: #fff; padding: 6px 14px; }
  button:disabled { opacity: 0.5; cursor: default; }
  li.older, li.empty { align-self: center; background: none; }
  .error { color: #b91c1c; font-size: 0.85em; padding: 0 12px; }
`;
