import type { Attachment, MeasuredMedia } from '../api.ts';
import { ATTACHMENT_LIMITS, isPreview } from '../transports/attachments.ts';

/** Largest preview, in characters of its data URL (~2 KB, docs/attachments.md). */
export const PREVIEW_MAX = 2_048;
/** Longest side of a preview, tried in turn until one fits, in pixels. */
const PREVIEW_SIDES = [48, 32, 24, 16];

/**
 * What a message says about a file before it is uploaded: name, type and size; for images the
 * size in pixels and a tiny preview, made here with createImageBitmap and OffscreenCanvas. A
 * worker has no <video> or <audio> and no OfflineAudioContext, so video and audio take what the
 * tab measured (`measured`), and a WAV file its duration from its header.
 */
export async function describeFile(file: Blob, measured?: MeasuredMedia): Promise<Attachment> {
  const name = (file instanceof File && file.name ? file.name : 'file').slice(0, ATTACHMENT_LIMITS.name);
  const type = file.type.length <= ATTACHMENT_LIMITS.type ? file.type.toLowerCase() : '';
  const attachment: Attachment = { url: '', name, type, size: file.size };
  Object.assign(attachment, fromTab(measured));
  if (type.startsWith('image/') && type !== 'image/svg+xml') Object.assign(attachment, await image(file));
  if (type === 'audio/wav' || type === 'audio/x-wav' || type === 'audio/wave') {
    // A broken header only costs the duration.
    const duration = await wavDuration(file).catch(() => undefined);
    if (duration !== undefined) attachment.duration ??= duration;
  }
  return attachment;
}

const whole = (v: unknown, max: number): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= max ? Math.round(v) : undefined;

/** The tab's measurements, bounded as any inbound attachment's (worker/transports/attachments.ts). */
function fromTab(measured: MeasuredMedia | undefined): MeasuredMedia {
  if (!measured) return {};
  const out: MeasuredMedia = {};
  const width = whole(measured.width, ATTACHMENT_LIMITS.pixels);
  const height = whole(measured.height, ATTACHMENT_LIMITS.pixels);
  if (width && height) [out.width, out.height] = [width, height];
  const duration = whole(measured.duration, ATTACHMENT_LIMITS.duration);
  if (duration) out.duration = duration;
  if (typeof measured.preview === 'string' && measured.preview.length <= PREVIEW_MAX && isPreview(measured.preview)) out.preview = measured.preview;
  return out;
}

/** Size in pixels and a preview; nothing for a file the browser cannot decode. */
async function image(file: Blob): Promise<MeasuredMedia> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return {};
  }
  try {
    const { width, height } = bitmap;
    return { width, height, preview: await preview(bitmap) };
  } finally {
    bitmap.close();
  }
}

/** The smallest JPEG that still shows the picture's shape and colours, within PREVIEW_MAX. */
async function preview(bitmap: ImageBitmap): Promise<string | undefined> {
  if (typeof OffscreenCanvas === 'undefined') return undefined;
  for (const side of PREVIEW_SIDES) {
    const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(w, h);
    const context = canvas.getContext('2d');
    if (!context) return undefined;
    // JPEG has no alpha: transparent parts show white, as on the widget's light theme.
    context.fillStyle = '#fff';
    context.fillRect(0, 0, w, h);
    context.drawImage(bitmap, 0, 0, w, h);
    for (const quality of [0.7, 0.5]) {
      const url = await dataUrl(await canvas.convertToBlob({ type: 'image/jpeg', quality }));
      if (url.length <= PREVIEW_MAX) return url;
    }
  }
  return undefined;
}

async function dataUrl(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:${blob.type};base64,${btoa(binary)}`;
}

/**
 * A RIFF/WAVE file's duration in ms: the `data` chunk's size over the `fmt ` chunk's byte rate.
 * Only the first 4 KB are read; undefined when the chunks are not there.
 */
export async function wavDuration(file: Blob): Promise<number | undefined> {
  const view = new DataView(await file.slice(0, 4096).arrayBuffer());
  const tag = (at: number) => String.fromCharCode(...new Uint8Array(view.buffer, at, 4));
  if (view.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return undefined;
  let byteRate = 0;
  for (let at = 12; at + 8 <= view.byteLength; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ' && at + 20 <= view.byteLength) byteRate = view.getUint32(at + 16, true);
    // The data chunk may claim more than the file holds (a recording cut short): the file wins.
    if (id === 'data') return byteRate ? Math.round((Math.min(size, file.size - at - 8) / byteRate) * 1000) : undefined;
    at += 8 + size + (size % 2);
  }
  return undefined;
}
