import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Strings } from '../i18n/catalogue.ts';
import { cross } from '../parley-chat/launcher.ts';
import { formatSize } from './format.ts';
import { fileIcon } from './icons.ts';

/** A file the visitor attached and has not sent yet, with its thumbnail's object URL. */
export interface PendingFile {
  key: string;
  file: File;
  /** A `blob:` URL of the file itself, for images; revoked when it leaves the tray. */
  thumbnail?: string;
}

export function pendingFile(file: File): PendingFile {
  const thumbnail = file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined;
  return { key: crypto.randomUUID(), file, thumbnail };
}

/**
 * What goes with the next message: a thumbnail (images) or a file icon, the name and the size,
 * and a button that takes each file out again.
 */
export function renderTray(files: readonly PendingFile[], strings: Strings, locale: string | undefined, remove: (key: string) => void): TemplateResult | typeof nothing {
  if (!files.length) return nothing;
  return html`
    <ul class="tray" aria-label=${strings.attached}>
      ${repeat(
        files,
        (p) => p.key,
        (p) => html`
          <li class="tray-item">
            ${p.thumbnail ? html`<img class="tray-thumb" src=${p.thumbnail} alt="" />` : html`<span class="tray-thumb">${fileIcon}</span>`}
            <span class="tray-text">
              <span class="tray-name" dir="auto" title=${p.file.name}>${p.file.name}</span>
              <span class="tray-size">${formatSize(p.file.size, locale)}</span>
            </span>
            <button type="button" class="tray-remove" aria-label=${strings.removeFile(p.file.name)} @click=${() => remove(p.key)}>${cross}</button>
          </li>
        `,
      )}
    </ul>
  `;
}
