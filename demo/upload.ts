import busboy from 'busboy';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { isInline, KINDS_BY_EXT, SNIFF_BYTES, sniff, type FileKind } from './file-types.ts';

export interface UploadOptions {
  /** Folder the files are kept in; made if missing. */
  dir: string;
  /** Largest file, in bytes. Default 10 485 760 (10 MB), the engine's default `maxFileSize`. */
  maxBytes?: number;
  /**
   * Whether a page (or worker) of `origin` may upload and read files with CORS, besides the
   * server's own origin (`http://` and the request's Host), which always may.
   */
  allowOrigin: (origin: string) => boolean;
}

/** The field that carries the file; the engine sends exactly one (worker/uploads/http-upload.ts). */
export const FILE_FIELD = 'file';
/** A stored name: 32 random hex digits and the sniffed kind's extension. Nothing else is served. */
const STORED_NAME = /^[0-9a-f]{32}\.[a-z0-9]{2,4}$/;
/** Longest declared file name, in characters. */
const MAX_NAME = 255;

interface Refusal {
  status: number;
  error: string;
  message: string;
}

const refusal = (status: number, error: string, message: string): Refusal => ({ status, error, message });

/**
 * A declared file name is never used on disk, but one with a path in it comes from a client
 * that is probing; it is refused so the mistake is visible (test/node/upload-endpoint.test.ts).
 */
function badName(name: string): string | undefined {
  if (name.length > MAX_NAME) return `a file name may be at most ${MAX_NAME} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[/\\\u0000-\u001f]/.test(name) || name === '.' || name === '..') return 'a file name may not contain a path, "/", "\\" or control characters';
  return undefined;
}

/**
 * The demo's file upload: `POST /upload` (multipart/form-data, one `file` field) keeps the file
 * under a random name if its first bytes show an allowed kind (demo/file-types.ts) and it is
 * within the size limit, and answers `{ url, type, size }`; `GET /files/<name>` serves it with
 * headers that keep it from ever running as a page of this origin (docs/attachments.md).
 * Returns a handler that answers true when it took the request.
 */
export function uploadEndpoint(options: UploadOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  mkdirSync(options.dir, { recursive: true });

  /**
   * The server as this request reached it. A browser sets Host to the server it talks to, so a
   * page of another origin can never match it; a URL answered to a client that lies about Host
   * only misleads that client.
   */
  const base = (req: IncomingMessage) => `http://${req.headers.host ?? 'localhost'}`;
  const allowed = (req: IncomingMessage, origin: string) => origin === base(req) || options.allowOrigin(origin);

  /** CORS headers for an allowed origin; none for others, so the browser withholds the answer. */
  const cors = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    return origin && allowed(req, origin) ? { 'access-control-allow-origin': origin, vary: 'origin' } : { vary: 'origin' };
  };

  const answer = (req: IncomingMessage, res: ServerResponse, status: number, body: object, close = false) => {
    if (res.headersSent) return;
    res.writeHead(status, {
      ...cors(req),
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      // The request may still be streaming in: end it rather than read an oversized body.
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(JSON.stringify(body));
  };
  const refuse = (req: IncomingMessage, res: ServerResponse, r: Refusal, close = false) =>
    answer(req, res, r.status, { error: r.error, message: r.message }, close);

  function post(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    // A browser always names the origin of a cross-origin POST; a client without one (curl) is
    // not a page, and CORS could not stop it anyway.
    if (origin && !allowed(req, origin))
      return refuse(req, res, refusal(403, 'origin', `Pages of ${origin} may not upload here: it is not in the server's allowed origins.`), true);
    if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? ''))
      return refuse(req, res, refusal(415, 'not-multipart', 'Send the file as multipart/form-data with one "file" field.'), true);
    const declared = Number(req.headers['content-length']);
    // Multipart framing adds a few hundred bytes; a body far beyond the limit is refused unread.
    if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024)
      return refuse(req, res, tooLarge(maxBytes), true);

    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, preservePath: true, limits: { files: 1, fileSize: maxBytes, fields: 0, parts: 2, headerPairs: 20 } });
    } catch (e) {
      return refuse(req, res, refusal(400, 'bad-multipart', `The multipart body cannot be read: ${e instanceof Error ? e.message : e}.`), true);
    }
    let failed: Refusal | undefined;
    let kept: Promise<{ name: string; kind: FileKind; size: number } | Refusal> | undefined;
    const fail = (r: Refusal) => {
      failed ??= r;
      req.unpipe(parser);
      // Stops reading the body: the answer says why, and the connection closes after it.
      refuse(req, res, r, true);
      req.resume();
    };

    parser.on('file', (field, stream, info) => {
      if (field !== FILE_FIELD) {
        stream.resume();
        return fail(refusal(400, 'bad-field', `The file must be in a field named "${FILE_FIELD}", not "${field.slice(0, 64)}".`));
      }
      const nameProblem = badName(info.filename ?? '');
      if (nameProblem) {
        stream.resume();
        return fail(refusal(400, 'bad-name', `Refused the file name: ${nameProblem}.`));
      }
      kept = keep(stream);
      void kept.then(async (result) => {
        if ('status' in result) return result.error === 'too-large' && refuse(req, res, result, true);
        // Kept, but the request failed after it (a second file): nobody learns its URL.
        if (failed) await rm(join(options.dir, result.name), { force: true });
      });
    });
    parser.on('field', () => fail(refusal(400, 'bad-field', `Send only one "${FILE_FIELD}" field.`)));
    parser.on('filesLimit', () => fail(refusal(400, 'too-many-files', 'Send one file per request.')));
    parser.on('partsLimit', () => fail(refusal(400, 'too-many-files', 'Send one file per request.')));
    parser.on('fieldsLimit', () => fail(refusal(400, 'bad-field', `Send only one "${FILE_FIELD}" field.`)));
    parser.on('error', (e: unknown) => fail(refusal(400, 'bad-multipart', `The multipart body cannot be read: ${e instanceof Error ? e.message : e}.`)));
    parser.on('close', async () => {
      if (failed) return;
      if (!kept) return refuse(req, res, refusal(400, 'no-file', `The request has no "${FILE_FIELD}" field.`));
      const result = await kept;
      if ('status' in result) return refuse(req, res, result, true);
      if (failed) return;
      const url = `${base(req)}/files/${result.name}`;
      answer(req, res, 201, { url, type: result.kind.type, size: result.size });
    });
    req.pipe(parser);

    /** Streams the file to a temporary name, sniffing its head, then moves it to its random name. */
    function keep(stream: NodeJS.ReadableStream & { truncated?: boolean }) {
      const id = randomBytes(16).toString('hex');
      const partial = join(options.dir, `${id}.part`);
      const out = createWriteStream(partial);
      let head = Buffer.alloc(0);
      let size = 0;
      let over = false;
      let abandoned = false;
      // The client went away mid-file (a cancelled upload): nothing of it is kept.
      req.once('close', () => {
        if (req.complete || out.writableFinished) return;
        abandoned = true;
        stream.unpipe(out);
        out.destroy();
      });
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
      });
      // busboy stops the stream at `fileSize` and says so: also without a Content-Length. The
      // rest of the body is not read into the parser; the answer goes once the part is deleted.
      stream.on('limit', () => {
        over = true;
        failed ??= tooLarge(maxBytes);
        req.unpipe(parser);
        req.resume();
        stream.unpipe(out);
        out.end();
      });
      stream.pipe(out);
      return new Promise<{ name: string; kind: FileKind; size: number } | Refusal>((done) => {
        let broken: Refusal | undefined;
        // A write error is followed by `close`, which then deletes the part.
        out.on('error', (e) => (broken = refusal(500, 'storage', `The server could not store the file: ${e.message}.`)));
        out.on('close', async () => {
          const kind = sniff(head);
          const problem =
            broken ??
            (abandoned
              ? refusal(400, 'aborted', 'The upload was cut off.')
              : over
                ? tooLarge(maxBytes)
                : size === 0
                  ? refusal(400, 'empty', 'The file is empty.')
                  : !kind
                    ? refusal(415, 'type', 'Only images (PNG, JPEG, GIF, WebP), PDF, audio (MP3, WAV, Ogg, M4A) and video (MP4, WebM) may be uploaded; the content of this file is none of them, whatever its name or declared type.')
                    : undefined);
          if (problem || !kind) {
            await rm(partial, { force: true });
            return done(problem!);
          }
          const name = `${id}.${kind.ext}`;
          await rename(partial, join(options.dir, name));
          done({ name, kind, size });
        });
      });
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    let name = '';
    try {
      name = decodeURIComponent(raw);
    } catch {
      // Not a name we could have made.
    }
    const type = KINDS_BY_EXT[name.split('.').pop() ?? ''];
    const file = join(options.dir, name);
    const info = STORED_NAME.test(name) && type ? await stat(file).catch(() => undefined) : undefined;
    if (!info?.isFile() || !type) return refuse(req, res, refusal(404, 'not-found', 'No such file.'));
    res.writeHead(200, {
      ...cors(req),
      'content-type': type,
      'content-length': info.size,
      // Never guess another type from the bytes (a polyglot file), and never run as a page of
      // this origin: `sandbox` gives a document opened from here a unique origin, no script.
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
      'content-disposition': isInline(type) ? 'inline' : 'attachment',
      // Stored names are random and never reused: the bytes behind one never change.
      'cache-control': 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/upload') {
      if (req.method === 'OPTIONS') {
        // Preflight: only allowed origins learn that they may POST.
        res.writeHead(204, { ...cors(req), 'access-control-allow-methods': 'POST', 'access-control-max-age': '600' });
        res.end();
      } else if (req.method === 'POST') post(req, res);
      else refuse(req, res, refusal(405, 'method', 'Upload with POST.'));
      return true;
    }
    if (path.startsWith('/files/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') refuse(req, res, refusal(405, 'method', 'Files are read with GET.'));
      else void serve(req, res, path.slice('/files/'.length)).catch(() => refuse(req, res, refusal(500, 'storage', 'The file cannot be read.')));
      return true;
    }
    return false;
  };
}

const tooLarge = (maxBytes: number): Refusal =>
  refusal(413, 'too-large', `Files may be at most ${maxBytes} bytes (${(maxBytes / 1024 / 1024).toFixed(1)} MB).`);
