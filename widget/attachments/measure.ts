import type { MeasuredMedia } from '../../worker/api.ts';

/**
 * What the tab measured of a file, where the engine cannot: a worker has no `<video>` or
 * `<audio>` element to read a duration or draw a frame. Handed to the engine with the files.
 */
export type Measured = MeasuredMedia;

/**
 * Longest wait for a file's metadata or a frame, in ms: a file the browser cannot play is sent
 * unmeasured. Measuring begins as the file enters the tray (attachments.ts), so this bounds how
 * long Send may wait only when it is pressed at once.
 */
const TIMEOUT = 5_000;
/**
 * Longest wait for the seek to a poster's frame, in ms. Firefox under load sometimes never
 * settles a seek made just after `loadedmetadata` (3 of 60 short WebMs with both cores
 * saturated: no `seeked` in 5 s, `currentTime` still 0) though the first frame is ready. Then
 * that frame is drawn instead.
 */
const SEEK_WAIT = 1_000;
/** A poster's longest side, tried in turn until its data URL fits, in pixels. */
const SIDES = [64, 48, 32, 24];
/** Longest poster, in characters of its data URL: the engine keeps none longer. */
const PREVIEW_MAX = 2_048;

/** Size, duration and a poster frame of a video; the duration of audio; nothing for other files. */
export async function measure(file: Blob): Promise<Measured | undefined> {
  const kind = file.type.split('/')[0];
  if (kind !== 'video' && kind !== 'audio') return undefined;
  const media = document.createElement(kind);
  const url = URL.createObjectURL(file);
  media.muted = true;
  media.preload = 'metadata';
  media.src = url;
  try {
    await once(media, 'loadedmetadata');
    const out: Measured = {};
    // A recorder's WebM often states no duration (Infinity): then the recorder's own count is used.
    if (Number.isFinite(media.duration) && media.duration > 0) out.duration = Math.round(media.duration * 1000);
    if (media instanceof HTMLVideoElement && media.videoWidth && media.videoHeight) {
      out.width = media.videoWidth;
      out.height = media.videoHeight;
      // A poster that cannot be drawn costs only the poster, not the size and duration.
      out.preview = await poster(media).catch(() => undefined);
    }
    return out;
  } catch {
    return undefined;
  } finally {
    media.removeAttribute('src');
    media.load();
    URL.revokeObjectURL(url);
  }
}

/**
 * The frame at 0.1 s (past a camera's dark first frame), else the first, as a small JPEG data
 * URL; undefined if none fits.
 */
async function poster(video: HTMLVideoElement): Promise<string | undefined> {
  video.currentTime = Math.min(0.1, video.duration / 2 || 0);
  await once(video, 'seeked', SEEK_WAIT).catch(() => undefined);
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) await once(video, 'loadeddata');
  const canvas = document.createElement('canvas');
  for (const side of SIDES) {
    const scale = side / Math.max(video.videoWidth, video.videoHeight);
    canvas.width = Math.max(1, Math.round(video.videoWidth * scale));
    canvas.height = Math.max(1, Math.round(video.videoHeight * scale));
    canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height);
    const url = canvas.toDataURL('image/jpeg', 0.6);
    if (url.startsWith('data:image/jpeg;base64,') && url.length <= PREVIEW_MAX) return url;
  }
  return undefined;
}

function once(target: HTMLMediaElement, type: 'loadedmetadata' | 'loadeddata' | 'seeked', timeout = TIMEOUT): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} in ${timeout} ms`)), timeout);
    target.addEventListener(type, () => (clearTimeout(timer), resolve()), { once: true });
    target.addEventListener('error', () => (clearTimeout(timer), reject(new Error(`cannot read the file (${type})`))), { once: true });
  });
}
