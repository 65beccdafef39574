import { html, nothing, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { Attachment, UploadProgress } from '../../worker/api.ts';
import type { Strings } from '../i18n/catalogue.ts';
import { formatDuration, formatSize } from './format.ts';
import { fileIcon } from './icons.ts';
import { safeUrl } from './safe-url.ts';

/** The largest box an image or a video takes in a bubble, in CSS px. */
const MAX_WIDTH = 260;
const MAX_HEIGHT = 320;
/** The box for an image whose size the message does not give. */
const UNKNOWN = { width: 240, height: 180 };

export interface AttachmentContext {
  strings: Strings;
  locale: string | undefined;
  /**
   * The URL to show for a file's `url`, already checked: a `blob:` URL of the offline copy, the
   * URL itself if no copy can be had, or undefined while the copy is being fetched.
   */
  resolve(url: string): string | undefined;
  /** Opens the full-size viewer from `trigger`, the image's button. */
  view(attachment: Attachment, src: string, trigger: HTMLElement): void;
}

const positive = (n: unknown): number | undefined => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined);
/** A width or height in pixels that a browser can lay out; a peer may send anything. */
const pixels = (n: unknown): number | undefined => (positive(n) && (n as number) < 1e5 ? (n as number) : undefined);

/** The box for `a`, scaled down to fit, from the width and height the message gives. */
function box(a: Attachment): { width: number; height: number } {
  const w = pixels(a.width);
  const h = pixels(a.height);
  if (!w || !h) return UNKNOWN;
  const scale = Math.min(1, MAX_WIDTH / w, MAX_HEIGHT / h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

const kind = (a: Attachment): 'image' | 'audio' | 'video' | 'file' => {
  const type = typeof a.type === 'string' ? a.type : '';
  return type.startsWith('image/') ? 'image' : type.startsWith('audio/') ? 'audio' : type.startsWith('video/') ? 'video' : 'file';
};

/** A message's files, in order; each one that cannot be drawn safely shows as text instead. */
export function renderAttachments(messageId: string, attachments: readonly Attachment[], ctx: AttachmentContext): TemplateResult {
  return html`<div class="attachments">${attachments.map((a, i) => renderOne(a, `${messageId}:${i}`, ctx))}</div>`;
}

function renderOne(a: Attachment, key: string, ctx: AttachmentContext): TemplateResult {
  const name = typeof a.name === 'string' && a.name ? a.name : 'file';
  const fixed = { ...a, name };
  const url = safeUrl(a.url);
  // A URL of another scheme (javascript:, data:text/html…) is shown as text, never used.
  if (a.url && !url) return blocked(fixed, ctx.strings);
  const src = url && ctx.resolve(url);
  switch (kind(a)) {
    case 'image':
      return image(fixed, key, src, ctx);
    case 'audio':
      return html`<figure class="att att-audio">
        ${src ? html`<audio controls preload="metadata" src=${src} aria-label=${name}></audio>` : html`<span class="att-wait">${name}</span>`}
        <figcaption><span dir="auto">${name}</span>${duration(a, ctx.strings)}</figcaption>
      </figure>`;
    case 'video': {
      const { width, height } = box(a);
      const poster = safeUrl(a.preview, 'preview');
      return html`<figure class="att att-video">
        <video controls preload="none" src=${src ?? nothing} poster=${poster ?? nothing} width=${width} height=${height} aria-label=${name}></video>
        <figcaption><span dir="auto">${name}</span>${duration(a, ctx.strings)}</figcaption>
      </figure>`;
    }
    default:
      return fileCard(fixed, src ?? url, ctx);
  }
}

function image(a: Attachment, key: string, src: string | undefined, ctx: AttachmentContext): TemplateResult {
  const { width, height } = box(a);
  const preview = safeUrl(a.preview, 'preview');
  // The box has the image's final size from the start, so the list does not jump when it loads.
  const size = styleMap({ width: `${width}px`, aspectRatio: `${width} / ${height}` });
  const inner = html`
    ${preview ? html`<img class="att-preview" src=${preview} alt="" />` : nothing}
    ${src ? html`<img class="att-full" src=${src} alt="" width=${width} height=${height} @load=${shown} />` : nothing}
  `;
  if (!src) return html`<div class="att att-image" style=${size} role="img" aria-label=${a.name}>${inner}</div>`;
  return html`<button type="button" class="att att-image" style=${size} data-att=${key} aria-label=${ctx.strings.openImage(a.name)}
    @click=${(e: Event) => ctx.view(a, src, e.currentTarget as HTMLElement)}>${inner}</button>`;
}

/** The full image has arrived: it fades in over the preview. */
const shown = (e: Event) => (e.target as HTMLElement).classList.add('loaded');

function fileCard(a: Attachment, href: string | undefined, { strings, locale }: AttachmentContext): TemplateResult {
  const type = typeof a.type === 'string' ? a.type : '';
  return html`<div class="att att-file">
    ${fileIcon}
    <span class="att-text">
      <span class="att-name" dir="auto">${a.name}</span>
      <span class="att-details">${strings.fileDetails(formatSize(a.size, locale), type)}</span>
    </span>
    ${href ? html`<a class="att-download" href=${href} download=${a.name} target="_blank" rel="noopener noreferrer">${strings.download}<span class="sr-only"> ${a.name}</span></a>` : nothing}
  </div>`;
}

function duration(a: Attachment, strings: Strings) {
  const ms = positive(a.duration);
  if (!ms) return nothing;
  return html` <span class="att-duration"><span class="sr-only">${strings.duration(formatDuration(ms))}</span><span aria-hidden="true">${formatDuration(ms)}</span></span>`;
}

function blocked(a: Attachment, strings: Strings): TemplateResult {
  return html`<div class="att att-blocked"><span dir="auto">${a.name}</span> <span class="att-url">(${strings.blockedLink}: ${String(a.url)})</span></div>`;
}

/** The upload bar of an own message still on its way, from its `upload-progress` events. */
export function renderProgress(progress: UploadProgress | undefined, names: string, strings: Strings, locale: string | undefined): TemplateResult {
  const total = positive(progress?.total) ?? 0;
  const sent = Math.min(total, Math.max(0, progress?.sent ?? 0));
  const percent = new Intl.NumberFormat(locale, { style: 'percent' }).format(total ? sent / total : 0);
  return html`<progress class="upload" max=${total || 1} value=${sent} aria-label=${strings.uploading(names, percent)}></progress>`;
}
