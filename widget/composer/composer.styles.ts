import { css } from 'lit';

export const composerStyles = css`
  .composer { display: flex; gap: 8px; padding: 8px; border-top: 1px solid var(--_border); align-items: flex-end; flex-wrap: wrap; }
  textarea {
    flex: 1;
    resize: none;
    /* 16 px or more: phones zoom into smaller text fields on focus. */
    font: inherit;
    font-size: max(16px, 1em);
    line-height: 1.4;
    padding: 6px 8px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    color: var(--_fg);
    background: var(--_bg);
    box-sizing: border-box;
    /* About six lines, then it scrolls. */
    max-height: calc(6 * 1.4em + 14px);
    overflow-y: auto;
  }
  textarea[aria-invalid='true'] { border-color: var(--_danger); }
  button.tool { border: none; padding: 6px; display: grid; place-items: center; align-self: flex-end; }
  button.tool svg { width: 22px; height: 22px; fill: currentColor; }
  :host([dropping]) .panel { outline: 3px dashed var(--_accent); outline-offset: -3px; }
  .drop-hint { padding: 6px 12px; font-size: 0.85em; color: var(--_accent); font-weight: 600; }
  .counter { order: 3; flex-basis: 100%; text-align: end; font-size: 0.75em; color: var(--_muted); }
  .counter.over { color: var(--_danger); font-weight: 600; }
`;
