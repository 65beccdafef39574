import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusal } from '../../widget/attachments/file-rules.ts';
import { accepts, DEFAULT_ACCEPT } from '../../widget/attachments/defaults.ts';
import { formatDuration, formatSize } from '../../widget/attachments/format.ts';
import { en } from '../../widget/i18n/en.ts';

const file = (name: string, type: string, size = 10) => new File([new Uint8Array(size)], name, { type });

test('accept lists match by MIME type, wildcard and extension, whatever the case or parameters', () => {
  assert.equal(accepts('image/*', { name: 'a.PNG', type: 'IMAGE/PNG' }), true);
  assert.equal(accepts('audio/webm', { name: 'v', type: 'audio/webm;codecs=opus' }), true);
  assert.equal(accepts('.pdf, .docx', { name: 'Report.DOCX', type: '' }), true);
  assert.equal(accepts('image/*', { name: 'x.pdf', type: 'application/pdf' }), false);
  assert.equal(accepts('image/*', { name: 'x', type: 'imagex/png' }), false);
  assert.equal(accepts('', { name: 'a.png', type: 'image/png' }), false);
});

test('the default takes images, audio, video, PDF and documents, and nothing executable', () => {
  const good: [string, string][] = [['a.jpg', 'image/jpeg'], ['v.webm', 'audio/webm'], ['c.mp4', 'video/mp4'], ['r.pdf', 'application/pdf'], ['w.docx', ''], ['s.xlsx', '']];
  const bad: [string, string][] = [['setup.exe', 'application/x-msdownload'], ['page.html', 'text/html'], ['run.sh', 'application/x-sh']];
  for (const [name, type] of good)
    assert.equal(accepts(DEFAULT_ACCEPT, { name, type }), true, name);
  for (const [name, type] of bad)
    assert.equal(accepts(DEFAULT_ACCEPT, { name, type }), false, name);
});

test('a refusal names the file and the limit; a file that passes has none', () => {
  const rules = { accept: '', maxFileSize: 10 * 1024 * 1024 };
  assert.equal(refusal(file('a.png', 'image/png'), rules, en, 'en'), undefined);
  assert.equal(refusal(file('big.png', 'image/png', 10 * 1024 * 1024 + 1), rules, en, 'en'), '“big.png” is too large: files can be at most 10 MB.');
  assert.equal(refusal(file('x.exe', 'application/x-msdownload'), rules, en, 'en'), '“x.exe” cannot be sent: this chat accepts images, audio, video, PDF and office documents.');
  assert.equal(refusal(file('x.pdf', 'application/pdf'), { ...rules, accept: 'image/*,.txt' }, en, 'en'), '“x.pdf” cannot be sent: this chat accepts image/*, .txt.');
});

test('sizes and durations read as people write them', () => {
  assert.deepEqual([0, 1, 1023, 1024, 1536, 10 * 1024 * 1024, 3 * 1024 ** 3].map((n) => formatSize(n, 'en')), ['0 bytes', '1 byte', '1,023 bytes', '1 kB', '1.5 kB', '10 MB', '3 GB']);
  assert.deepEqual([0, 999, 42_000, 75_500, 3_725_000, NaN, -5].map(formatDuration), ['0:00', '0:00', '0:42', '1:15', '1:02:05', '0:00', '0:00']);
});
