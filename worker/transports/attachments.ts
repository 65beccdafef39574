import type { Attachment } from '../api.ts';

/**
 * The one schema of an attachment on the wire, for what arrives from peers (every transport,
 * through worker/transports/inbound.ts) and what the demo relay accepts (demo/relay.ts). Pure:
 * no DOM, so the relay imports it like json/wire.ts. Only an http(s) URL is kept, since the
 * widget puts it into `href` and `src`; a preview only as a small base64 PNG, JPEG or WebP.
 */
export const ATTACHMENT_LIMITS = {
  /** Files on one message. */
  count: 10,
  /** URL, in characters. */
  url: 2_048,
  /** File name, in characters. */
  name: 256,
  /** MIME type, in characters. */
  type: 128,
  /** Width and height, in pixels. */
  pixels: 100_000,
  /** Duration, in ms (24 h). */
  duration: 24 * 60 * 60 * 1000,
  /** Preview data URL, in characters (~4 KB; the engine makes them at most ~2 KB). */
  preview: 4_096,
} as const;

const PREVIEW = /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/;
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

export type CheckedAttachments = {
  attachments: Attachment[];
  /** Why entries or fields were dropped, for one readable error; empty when all were kept. */
  dropped: string[];
};

/** A base64 PNG, JPEG or WebP data URL (length is checked by the caller). */
export const isPreview = (value: string): boolean => PREVIEW.test(value);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An http(s) URL of bounded length, as the URL parser prints it, or undefined. */
export function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > ATTACHMENT_LIMITS.url) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const whole = (v: unknown, max: number): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : undefined;

/** The last path segment of a URL, for a file that came without a name. */
export function nameFromUrl(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    // Keep it encoded.
  }
  return name.slice(0, ATTACHMENT_LIMITS.name) || 'file';
}

/**
 * Checks one message's attachments and builds fresh objects from the known fields only. An
 * entry without a usable URL is dropped; a bad optional field (a preview that is not a small
 * image data URL, a negative size) is left out. `dropped` says what, so the transport can
 * report one error while the message itself is kept.
 */
export function checkAttachments(raw: unknown): CheckedAttachments {
  const dropped: string[] = [];
  if (raw === undefined || raw === null) return { attachments: [], dropped };
  if (!Array.isArray(raw)) return { attachments: [], dropped: ['"attachments" is not an array'] };
  if (raw.length > ATTACHMENT_LIMITS.count) dropped.push(`only the first ${ATTACHMENT_LIMITS.count} of ${raw.length} attachments are kept`);
  const attachments: Attachment[] = [];
  for (const [i, entry] of raw.slice(0, ATTACHMENT_LIMITS.count).entries()) {
    if (!isObject(entry)) {
      dropped.push(`attachment ${i + 1} is not an object`);
      continue;
    }
    const url = httpUrl(entry.url);
    if (!url) {
      dropped.push(`attachment ${i + 1} has no http(s) URL of at most ${ATTACHMENT_LIMITS.url} characters`);
      continue;
    }
    const name = typeof entry.name === 'string' && entry.name.trim() ? entry.name.slice(0, ATTACHMENT_LIMITS.name) : nameFromUrl(url);
    const type = typeof entry.type === 'string' && entry.type.length <= ATTACHMENT_LIMITS.type && MIME.test(entry.type) ? entry.type.toLowerCase() : '';
    const a: Attachment = { url, name, type, size: whole(entry.size, Number.MAX_SAFE_INTEGER) ?? 0 };
    const width = whole(entry.width, ATTACHMENT_LIMITS.pixels);
    const height = whole(entry.height, ATTACHMENT_LIMITS.pixels);
    if (width && height) [a.width, a.height] = [width, height];
    const duration = whole(entry.duration, ATTACHMENT_LIMITS.duration);
    if (duration !== undefined) a.duration = duration;
    if (entry.preview !== undefined) {
      if (typeof entry.preview === 'string' && entry.preview.length <= ATTACHMENT_LIMITS.preview && PREVIEW.test(entry.preview)) a.preview = entry.preview;
      else dropped.push(`the preview of attachment ${i + 1} is not a base64 PNG, JPEG or WebP data URL of at most ${ATTACHMENT_LIMITS.preview} characters`);
    }
    attachments.push(a);
  }
  return { attachments, dropped };
}
