/**
 * The one gate for every URL that an attachment puts into `src` or `href`. An attachment's
 * fields came from a peer as much as from us, so anything but these is shown as text:
 * - `http:` and `https:` URLs;
 * - `blob:` URLs of this page's own origin: only the engine and the offline cache make them;
 * - for image previews only (`preview`), `data:image/png|jpeg|webp;base64,…` (never SVG, which
 *   can carry script, and never `data:text/html`).
 */

/** Where the URL goes: an image preview may be a `data:` image; a link or a full file may not. */
export type UrlUse = 'preview' | 'file';

const PREVIEW = /^data:image\/(?:png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

/** `url` as it may be used, or undefined: then show it (if at all) as text. */
export function safeUrl(url: unknown, use: UrlUse = 'file', origin: string | undefined = globalThis.location?.origin): string | undefined {
  if (typeof url !== 'string' || !url) return undefined;
  if (use === 'preview' && PREVIEW.test(url)) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.href;
  // A blob: URL names the origin that made it (File API §8.3, "blob URL"); only ours is ours.
  if (parsed.protocol === 'blob:' && origin && origin !== 'null' && url.startsWith(`blob:${origin}/`)) return url;
  return undefined;
}
