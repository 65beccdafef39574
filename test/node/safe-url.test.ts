import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeUrl } from '../../widget/attachments/safe-url.ts';

const ORIGIN = 'https://shop.example';

test('http and https URLs pass, normalised', () => {
  assert.equal(safeUrl('https://files.example/a b.png', 'file', ORIGIN), 'https://files.example/a%20b.png');
  assert.equal(safeUrl('HTTP://files.example/x', 'file', ORIGIN), 'http://files.example/x');
});

test('script and other schemes are refused, whatever their case or padding', () => {
  for (const url of [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'file:///etc/passwd',
    'ftp://files.example/x',
    'mailto:a@example.com',
    '/relative/path.png',
    '//files.example/x.png',
    '',
  ])
    assert.equal(safeUrl(url, 'file', ORIGIN), undefined, url);
  assert.equal(safeUrl(42, 'file', ORIGIN), undefined);
  assert.equal(safeUrl({ toString: () => 'https://x.example' }, 'file', ORIGIN), undefined);
});

test('data: images are allowed only as previews, and only PNG, JPEG and WebP in base64', () => {
  const png = 'data:image/png;base64,iVBORw0KGgo=';
  assert.equal(safeUrl(png, 'preview', ORIGIN), png);
  assert.equal(safeUrl('data:image/jpeg;base64,/9j/4AAQ', 'preview', ORIGIN), 'data:image/jpeg;base64,/9j/4AAQ');
  assert.equal(safeUrl('data:image/webp;base64,UklGRg==', 'preview', ORIGIN), 'data:image/webp;base64,UklGRg==');
  assert.equal(safeUrl(png, 'file', ORIGIN), undefined, 'not as a link or a full file');
  for (const url of [
    'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
    'data:image/svg+xml,<svg onload=alert(1)>',
    'data:image/png,rawbytes',
    'data:image/png;base64,iVBOR"><script>',
    'data:text/html;base64,iVBORw0KGgo=',
    'DATA:image/png;base64,iVBORw0KGgo=',
  ])
    assert.equal(safeUrl(url, 'preview', ORIGIN), undefined, url);
});

test("blob: URLs pass only for this page's origin", () => {
  const own = `blob:${ORIGIN}/3f2a-11`;
  assert.equal(safeUrl(own, 'file', ORIGIN), own);
  assert.equal(safeUrl(own, 'preview', ORIGIN), own);
  assert.equal(safeUrl('blob:https://evil.example/3f2a', 'file', ORIGIN), undefined);
  assert.equal(safeUrl(`blob:${ORIGIN}.evil.example/3f2a`, 'file', ORIGIN), undefined);
  assert.equal(safeUrl('blob:null/3f2a', 'file', 'null'), undefined);
  assert.equal(safeUrl(own, 'file', undefined), undefined);
});
