import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { serveStatic } from '../../demo/static-files.ts';

/**
 * A site that embeds the widget, for end-to-end tests: it serves dist/ under `/parley/` and
 * host pages from `pages`, and records every request with the bytes it sent.
 */
export interface EmbedSite {
  url: string;
  /** Path and bytes of the body, in the order the responses finished. */
  log: { path: string; bytes: number }[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export async function startEmbedSite(pages: Record<string, Handler>, host = '127.0.0.1', port = 0, extra?: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<EmbedSite> {
  const dist = serveStatic(resolve('dist'));
  const log: EmbedSite['log'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    // What went over the wire, after any compression: count the body as it is written.
    let bytes = 0;
    const { write, end } = res;
    const count = (chunk: unknown) => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) bytes += Buffer.byteLength(chunk);
    };
    res.write = ((...args: Parameters<typeof write>) => (count(args[0]), write.apply(res, args))) as typeof write;
    res.end = ((...args: Parameters<typeof end>) => (count(args[0]), end.apply(res, args))) as typeof end;
    res.on('finish', () => log.push({ path: url.pathname, bytes }));
    if (extra?.(req, res)) return;
    if (url.pathname.startsWith('/parley/')) return void dist(Object.assign(req, { url: url.pathname.slice('/parley'.length) + url.search }), res);
    const page = pages[url.pathname];
    if (page) return page(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((ready) => server.listen(port, host, ready));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    log,
    close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
  };
}

/** A host page. Its empty `data:` icon stops the browser asking for /favicon.ico, unless a CSP is given. */
export const html = (body: string, headers: Record<string, string> = {}): Handler => (_, res) => {
  const icon = headers['content-security-policy'] ? '' : '<link rel="icon" href="data:,">';
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(`<!doctype html><html lang="en"><title>A site</title>${icon}${body}</html>`);
};

/** The stub a site pastes before the loader, so that early calls are queued (docs/embedding.md). */
export const STUB = `window.Parley=window.Parley||function(){var a=arguments;(Parley.q=Parley.q||[]).push(a);return function(){Parley('off',a[1],a[2])}};`;
