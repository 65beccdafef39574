/**
 * The kinds of file the demo upload endpoint (demo/upload.ts) keeps, told by their first bytes
 * ("magic numbers"), never by the type or name the client declared: a page that says
 * `image/png` over an HTML file must not get HTML served from our origin.
 *
 * SVG and HTML are missing on purpose: both are documents that can run script.
 */
export interface FileKind {
  /** The MIME type the file is served with. */
  type: string;
  /** The extension of the stored name, which is how GET /files/ knows the type again. */
  ext: string;
}

/** Bytes to read before deciding; the longest signature below ends before this. */
export const SNIFF_BYTES = 16;

const ascii = (bytes: Uint8Array, at: number, text: string): boolean =>
  [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));

const starts = (bytes: Uint8Array, ...values: number[]): boolean => values.every((v, i) => bytes[i] === v);

/** ISO base media (MP4, M4A, MOV): `ftyp` at offset 4, then the major brand (ISO/IEC 14496-12 §4.3). */
function isoMedia(bytes: Uint8Array): FileKind | undefined {
  if (!ascii(bytes, 4, 'ftyp')) return undefined;
  const brand = String.fromCharCode(...bytes.subarray(8, 12));
  if (brand === 'M4A ' || brand === 'M4B ') return { type: 'audio/mp4', ext: 'm4a' };
  if (brand === 'qt  ') return { type: 'video/quicktime', ext: 'mov' };
  return { type: 'video/mp4', ext: 'mp4' };
}

/** The kind of file `head` (its first {@link SNIFF_BYTES} bytes) starts, or undefined if it is none we keep. */
export function sniff(head: Uint8Array): FileKind | undefined {
  if (starts(head, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return { type: 'image/png', ext: 'png' };
  if (starts(head, 0xff, 0xd8, 0xff)) return { type: 'image/jpeg', ext: 'jpg' };
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return { type: 'image/gif', ext: 'gif' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return { type: 'image/webp', ext: 'webp' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) return { type: 'audio/wav', ext: 'wav' };
  if (ascii(head, 0, '%PDF-')) return { type: 'application/pdf', ext: 'pdf' };
  if (ascii(head, 0, 'OggS')) return { type: 'audio/ogg', ext: 'ogg' };
  // EBML header: WebM (and Matroska); MediaRecorder's voice notes are WebM too.
  if (starts(head, 0x1a, 0x45, 0xdf, 0xa3)) return { type: 'video/webm', ext: 'webm' };
  if (ascii(head, 0, 'ID3')) return { type: 'audio/mpeg', ext: 'mp3' };
  // An MPEG audio frame without an ID3 tag: 11 sync bits, then layer bits not 00.
  if (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0 && ((head[1] ?? 0) & 0x06) !== 0) return { type: 'audio/mpeg', ext: 'mp3' };
  return isoMedia(head);
}

/** Every kind by extension, for serving a stored file. */
export const KINDS_BY_EXT: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  wav: 'audio/wav',
  pdf: 'application/pdf',
  ogg: 'audio/ogg',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  mov: 'video/quicktime',
  mp4: 'video/mp4',
};

/**
 * What the demo page lets a visitor attach (the element's `accept`) for the uploads that come
 * here: the kinds `sniff` keeps, so that the widget refuses anything else at once, with its own
 * words, instead of after an upload that the server refuses. `audio/*` also lets through the
 * recorder's `audio/webm`, and a few audio kinds `sniff` does not know, which the server refuses.
 */
export const DEMO_ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,audio/*,video/mp4,video/webm,video/quicktime,application/pdf';

/** What a browser may show in place: everything else is served as a download. */
export const isInline = (type: string): boolean => /^(image|audio|video)\//.test(type);
