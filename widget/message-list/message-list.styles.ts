import { css } from 'lit';

export const listStyles = css`
  .list-area { flex: 1; min-height: 0; position: relative; display: flex; flex-direction: column; }
  .log { flex: 1; min-height: 0; overflow-y: auto; overflow-x: hidden; }
  .log:focus-visible { outline-offset: -2px; }
  .older { display: flex; justify-content: center; padding: 6px; }
  .empty { position: absolute; z-index: 1; inset: 40% 0 auto; margin: 0; text-align: center; color: var(--_muted); }
  .row {
    width: 100%;
    box-sizing: border-box;
    padding: 2px 12px;
    display: flex;
    flex-direction: column;
    align-items: flex-start;
  }
  .row.mine { align-items: flex-end; }
  .row.group-start { padding-top: 10px; }
  .day {
    align-self: stretch;
    text-align: center;
    font-size: 0.78em;
    font-weight: 600;
    color: var(--_muted);
    padding: 8px 0 4px;
  }
  /* A lost session: a rule across the list with the words on it, quieter than a message. */
  .gap-line {
    align-self: stretch;
    display: flex;
    align-items: center;
    gap: 8px;
    margin: 8px 0;
    font-size: 0.78em;
    font-style: italic;
    color: var(--_muted);
  }
  .gap-line::before, .gap-line::after { content: ''; flex: 1; border-top: 1px dashed var(--_border); }
  .bubble {
    max-width: 80%;
    box-sizing: border-box;
    background: var(--_theirs);
    padding: 6px 10px;
    border-radius: var(--_radius);
  }
  .mine .bubble { background: var(--_mine); }
  .failed .bubble { outline: 1px solid var(--_danger); }
  .unreadable .bubble { color: var(--_muted); border: 1px dashed var(--_border); background: transparent; }
  .from { font-weight: 600; font-size: 0.85em; }
  .text { white-space: pre-wrap; overflow-wrap: anywhere; }
  .text a { color: inherit; text-decoration: underline; }
  .meta { font-size: 0.75em; color: var(--_muted); display: flex; gap: 6px; justify-content: flex-end; align-items: center; }
  .status { width: 1.3em; height: 1.3em; fill: none; stroke: currentColor; stroke-width: 1.6; stroke-linecap: round; stroke-linejoin: round; flex: none; }
  .status[data-status='read'] { color: var(--_accent); stroke-width: 2.2; }
  .status[data-status='failed'] { color: var(--_danger); }
  .actions { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; font-size: 0.8em; margin-top: 4px; }
  .reason { color: var(--_danger); flex-basis: 100%; }
  button.link { border: none; padding: 2px 4px; text-decoration: underline; }
  .new-pill {
    position: absolute;
    bottom: 8px;
    left: 50%;
    transform: translateX(-50%);
    background: var(--_accent);
    color: var(--_on-accent);
    border-radius: 16px;
    padding: 4px 12px;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.25);
  }
`;
