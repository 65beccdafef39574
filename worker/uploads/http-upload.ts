import type { ErrorCode } from '../codes.ts';
import { ParleyError } from '../errors.ts';
import { httpUrl } from '../transports/attachments.ts';

/**
 * An upload that failed. `final`: the server refused this file (HTTP 4xx other than 408 and
 * 429) and sending it again would meet the same answer; otherwise it is tried again later.
 */
export class UploadError extends ParleyError {
  override name = 'UploadError';
  constructor(
    code: ErrorCode,
    message: string,
    readonly final: boolean,
  ) {
    super(code, message);
  }
}

/** One file's way to the server. */
export type UploadRequest =
  /** Relay and MQTT: `multipart/form-data` with one `file` field; the server answers `{ url }` (demo/upload.ts). */
  | { method: 'POST'; url: string; file: Blob; name: string }
  /** XMPP: the bytes to a XEP-0363 slot (§5); the file is then at `get`. */
  | { method: 'PUT'; url: string; get: string; file: Blob; type: string; headers: Record<string, string> };

export interface RunningUpload {
  /** The URL the file can be fetched from. */
  done: Promise<string>;
  /** Stops it; `done` rejects with a `cancelled` UploadError. */
  abort(): void;
}

/** No progress for this long counts as a dead connection, in ms. */
export const STALL_AFTER = 30_000;

/** The server's own words from a JSON error body (`{ message }`), bounded, or the status text. */
function serverWords(xhr: XMLHttpRequest): string {
  let words = xhr.statusText;
  try {
    const body = JSON.parse(String(xhr.responseText)) as { message?: unknown };
    if (typeof body.message === 'string') words = body.message;
  } catch {
    // Not JSON: an XMPP upload service or a proxy answered.
  }
  return words.slice(0, 300);
}

/** HTTP 4xx is the server's final word on this file, except 408 (timeout) and 429 (busy). */
const isFinal = (status: number): boolean => status >= 400 && status < 500 && status !== 408 && status !== 429;

/**
 * Sends one file with XMLHttpRequest, which (unlike fetch) reports upload progress and exists in
 * workers. `progress(sent)` gets the bytes of the file sent so far.
 */
export function startUpload(request: UploadRequest, progress: (sent: number) => void): RunningUpload {
  const xhr = new XMLHttpRequest();
  let stall: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const done = new Promise<string>((resolve, reject) => {
    const watch = () => {
      clearTimeout(stall);
      stall = setTimeout(() => xhr.abort(), STALL_AFTER);
    };
    const fail = (error: UploadError) => {
      clearTimeout(stall);
      reject(error);
    };
    // Every byte is out: the watch now bounds the wait for the server's answer.
    xhr.upload.onload = watch;
    xhr.upload.onprogress = (event) => {
      watch();
      progress(Math.min(event.loaded, request.file.size));
    };
    xhr.onerror = () => fail(new UploadError('network-offline', `The upload to ${new URL(request.url).host} failed: no connection to it.`, false));
    xhr.onabort = () =>
      fail(cancelled ? new UploadError('closed-by-client', 'The upload was cancelled.', true) : new UploadError('heartbeat-timeout', `The upload stalled for ${STALL_AFTER / 1000} s.`, false));
    xhr.onload = () => {
      clearTimeout(stall);
      const { status } = xhr;
      if (status === 413) return fail(new UploadError('too-large', `The server refused the file as too large: ${serverWords(xhr)}`, true));
      if (status < 200 || status >= 300)
        return fail(new UploadError(isFinal(status) ? 'upload-refused' : 'refused', `The server refused the upload (HTTP ${status}): ${serverWords(xhr)}`, isFinal(status)));
      if (request.method === 'PUT') return resolve(request.get);
      let url: string | undefined;
      try {
        url = httpUrl((JSON.parse(String(xhr.responseText)) as { url?: unknown }).url);
      } catch {
        url = undefined;
      }
      if (!url) return fail(new UploadError('upload-refused', 'The upload server answered without an http(s) "url" for the file.', true));
      resolve(url);
    };
    xhr.open(request.method, request.url);
    if (request.method === 'PUT') {
      for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
      xhr.setRequestHeader('Content-Type', request.type || 'application/octet-stream');
      xhr.send(request.file);
    } else {
      const form = new FormData();
      form.append('file', request.file, request.name);
      xhr.send(form);
    }
    watch();
  });
  return {
    done,
    abort: () => {
      cancelled = true;
      xhr.abort();
    },
  };
}
