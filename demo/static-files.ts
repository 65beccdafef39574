import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};
/** Worth compressing; images are compressed already. */
const TEXT = new Set(['.html', '.js', '.css', '.json', '.svg', '.map']);

interface Encoded {
  etag: string;
  body: Record<'identity' | 'br' | 'gzip', Buffer | undefined>;
}

/**
 * Serves files under `root`; `/` is index.html. Nothing outside `root` is reachable. As a site
 * owner's CDN would: hashed files under assets/ are immutable for a year, the rest revalidate
 * with an ETag; text is sent brotli- or gzip-compressed when the browser accepts it.
 */
export function serveStatic(root: string) {
  // Compressed once per file version (size and mtime), not per request.
  const cache = new Map<string, Encoded>();
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep) && file !== root) return void res.writeHead(403).end();
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    const etag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
    let entry = cache.get(file);
    if (entry?.etag !== etag) {
      const body = await readFile(file);
      entry = { etag, body: { identity: body, br: undefined, gzip: undefined } };
      if (TEXT.has(extname(file)) && body.length > 512) {
        entry.body.br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
        entry.body.gzip = gzipSync(body, { level: 9 });
      }
      cache.set(file, entry);
    }
    const accepts = String(req.headers['accept-encoding'] ?? '');
    const encoding = entry.body.br && /\bbr\b/.test(accepts) ? 'br' : entry.body.gzip && /\bgzip\b/.test(accepts) ? 'gzip' : 'identity';
    const headers: Record<string, string | number> = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      etag: encoding === 'identity' ? etag : `${etag.slice(0, -1)}-${encoding}"`,
      vary: 'accept-encoding',
      // Hashed assets never change; everything else (the page, parley.js, loader.js) is
      // revalidated, so a site picks up a new version at once.
      'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      // The widget's files are public: a page of another origin imports parley.js and its
      // chunks as modules, which needs CORS (docs/embedding.md, "Cross-origin").
      ...(extname(file) === '.html' ? {} : { 'access-control-allow-origin': '*' }),
    };
    if (encoding !== 'identity') headers['content-encoding'] = encoding;
    if (req.headers['if-none-match'] === headers.etag) return void res.writeHead(304, headers).end();
    const body = entry.body[encoding]!;
    headers['content-length'] = body.length;
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
  };
}
