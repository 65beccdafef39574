import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';

/** The demo server's POST /upload and GET /files/, as a browser and as a hostile client use them. */
const ALLOWED = 'https://shop.example';
const LIMIT = 64 * 1024;
let server: DemoServer;
let dataDir = '';

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-upload-'));
  server = await startDemoServer({ port: 0, host: '127.0.0.1', dataDir, staticDir: join(dataDir, 'no-static'), allowedOrigins: [ALLOWED], maxUploadBytes: LIMIT });
});
after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1d1c1e20000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

function form(bytes: Buffer, name: string, type: string): FormData {
  const body = new FormData();
  body.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  return body;
}

async function upload(bytes: Buffer, name: string, type: string, origin = ALLOWED) {
  const res = await fetch(server.uploadUrl, { method: 'POST', body: form(bytes, name, type), headers: { origin } });
  return { res, body: (await res.json()) as { url?: string; error?: string; message?: string; type?: string; size?: number } };
}

const storedFiles = () => readdirSync(join(dataDir, 'uploads'));

describe('POST /upload', () => {
  it('keeps a PNG under a random name and serves it back with the security headers and CORS for an allowed origin', async () => {
    const { res, body } = await upload(PNG, 'holiday photo.png', 'image/png');
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('access-control-allow-origin'), ALLOWED);
    assert.match(body.url!, new RegExp(`^${server.url}/files/[0-9a-f]{32}\\.png$`));
    assert.equal(body.type, 'image/png');
    assert.equal(body.size, PNG.length);
    assert.ok(!storedFiles().some((f) => f.includes('holiday')), 'the client name is never used on disk');
    const got = await fetch(body.url!, { headers: { origin: ALLOWED } });
    assert.equal(got.status, 200);
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), PNG);
    assert.equal(got.headers.get('content-type'), 'image/png');
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(got.headers.get('content-security-policy'), 'sandbox');
    assert.equal(got.headers.get('content-disposition'), 'inline');
    assert.equal(got.headers.get('access-control-allow-origin'), ALLOWED);
  });

  it('serves a PDF as a download, whatever type the client declared', async () => {
    const { res, body } = await upload(PDF, 'report.pdf', 'image/png');
    assert.equal(res.status, 201);
    assert.equal(body.type, 'application/pdf');
    const got = await fetch(body.url!);
    assert.equal(got.headers.get('content-type'), 'application/pdf');
    assert.equal(got.headers.get('content-disposition'), 'attachment');
  });

  it('refuses a file name with a path in it, and stores nothing', async () => {
    const before = storedFiles().length;
    const { res, body } = await upload(PNG, '../../../etc/passwd', 'image/png');
    assert.equal(res.status, 400);
    assert.equal(body.error, 'bad-name');
    assert.match(body.message!, /path/);
    const backslash = await upload(PNG, '..\\..\\evil.png', 'image/png');
    assert.equal(backslash.body.error, 'bad-name');
    assert.equal(storedFiles().length, before);
  });

  it('refuses HTML that claims to be a PNG, by its content', async () => {
    const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
    const { res, body } = await upload(html, 'cat.png', 'image/png');
    assert.equal(res.status, 415);
    assert.equal(body.error, 'type');
    assert.match(body.message!, /content/);
    assert.ok(!storedFiles().some((f) => f.endsWith('.part')), 'the refused bytes are deleted');
  });

  it('refuses SVG, which can carry script', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
    const { res, body } = await upload(svg, 'logo.svg', 'image/svg+xml');
    assert.equal(res.status, 415);
    assert.equal(body.error, 'type');
  });

  it('refuses a file over the limit sent without Content-Length, while it streams', async () => {
    const boundary = 'parleyboundary';
    const result = await new Promise<{ status: number; body: string }>((done, fail) => {
      const req = request(server.uploadUrl, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked', origin: ALLOWED },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => done({ status: res.statusCode!, body }));
      });
      // The server may close the connection before the whole body is written; that is the point.
      req.on('error', (e) => (String(e).includes('EPIPE') || String(e).includes('ECONNRESET') ? undefined : fail(e)));
      req.write(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.png"\r\ncontent-type: image/png\r\n\r\n`);
      req.write(PNG);
      const chunk = Buffer.alloc(16 * 1024, 7);
      let sent = 0;
      const more = () => {
        // Four times the limit; the server must answer long before.
        if (sent > 4 * LIMIT || req.destroyed) return void req.end();
        sent += chunk.length;
        req.write(chunk, () => setImmediate(more));
      };
      more();
    });
    assert.equal(result.status, 413);
    assert.equal(JSON.parse(result.body).error, 'too-large');
    assert.ok(!storedFiles().some((f) => f.endsWith('.part')), 'the partial file is deleted');
  });

  it('keeps nothing of an upload the client cuts off', async () => {
    const boundary = 'parleyboundary';
    const req = request(server.uploadUrl, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' } });
    req.on('error', () => undefined);
    req.write(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="half.png"\r\ncontent-type: image/png\r\n\r\n`);
    req.write(PNG);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(storedFiles().some((f) => f.endsWith('.part')), 'the part is being written');
    req.destroy();
    const deadline = Date.now() + 5_000;
    while (storedFiles().some((f) => f.endsWith('.part')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(storedFiles().filter((f) => f.endsWith('.part')), [], 'the part is deleted');
  });

  it('gives a disallowed origin a 403 and no CORS header', async () => {
    const { res, body } = await upload(PNG, 'a.png', 'image/png', 'https://evil.example');
    assert.equal(res.status, 403);
    assert.equal(body.error, 'origin');
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(server.uploadUrl, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    // The server's own origin needs no listing: the demo page's engine uploads from there.
    const own = await upload(PNG, 'a.png', 'image/png', server.url);
    assert.equal(own.res.status, 201);
    assert.equal(own.res.headers.get('access-control-allow-origin'), server.url);
  });

  it('serves nothing outside the upload folder', async () => {
    for (const path of ['/files/..%2f..%2frelay.sqlite', '/files/%2e%2e/relay.sqlite', '/files/relay.sqlite', '/files/%E0%A4%A']) {
      const got = await fetch(`${server.url}${path}`);
      assert.equal(got.status, 404, path);
    }
  });
});
