import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { serveStatic } from '../../demo/static-files.ts';

/** The demo server's static files, as a CDN serves a widget: compressed, cached, CORS for scripts. */
let server: Server;
let base = '';
const script = `export const greeting = ${JSON.stringify('hello '.repeat(400))};\n`;

before(async () => {
  const root = mkdtempSync(join(tmpdir(), 'parley-static-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'chunk-abc123.js'), script);
  writeFileSync(join(root, 'loader.js'), script);
  server = createServer(serveStatic(root));
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((done, fail) => {
    request(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', fail)
      .end();
  });
}

describe('static files', () => {
  it('sends brotli or gzip as the browser accepts, and the same text once decoded', async () => {
    const br = await get('/assets/chunk-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.body).toString(), script);
    assert.ok(br.body.length < script.length / 10, `${br.body.length} bytes for ${script.length}`);
    const gz = await get('/assets/chunk-abc123.js', { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.body).toString(), script);
    const plain = await get('/assets/chunk-abc123.js');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), script);
    assert.equal(br.headers.vary, 'accept-encoding');
  });

  it('marks hashed assets immutable, revalidates the rest by ETag, and allows any origin to import scripts', async () => {
    const hashed = await get('/assets/chunk-abc123.js');
    assert.equal(hashed.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(hashed.headers['access-control-allow-origin'], '*');
    const loader = await get('/loader.js', { 'accept-encoding': 'gzip' });
    assert.equal(loader.headers['cache-control'], 'no-cache');
    const again = await get('/loader.js', { 'accept-encoding': 'gzip', 'if-none-match': String(loader.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const otherEncoding = await get('/loader.js', { 'if-none-match': String(loader.headers.etag) });
    assert.equal(otherEncoding.status, 200, 'an ETag names one encoding');
  });
});
