import { svg } from 'lit';

/** Icons, hidden from assistive technology: the control or the text beside each names it. */
export const fileIcon = svg`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 2h8l6 6v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm7 1.5V9h5.5L13 3.5z"/></svg>`;
