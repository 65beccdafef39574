import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8Length } from '../../worker/utf8-length.ts';

describe('utf8Length', () => {
  it('counts what TextEncoder writes, for every width and for broken surrogates', () => {
    const texts = [
      '',
      'plain ascii',
      'café, naïve', // 2-byte
      '€ 日本語', // 3-byte
      'thumbs 👍🏽 up', // pairs
      '\ud83d', // a lone high surrogate at the end
      '\ud83d!', // a lone high surrogate before ASCII
      '\ude00 low first', // a lone low surrogate
      '\udc00\ud800', // reversed pair: two lone surrogates
      '\u007f\u0080\u07ff\u0800\uffff', // each width's edges
      'x'.repeat(1_000) + '🎉'.repeat(100),
    ];
    const encoder = new TextEncoder();
    for (const text of texts) assert.equal(utf8Length(text), encoder.encode(text).byteLength, JSON.stringify(text));
  });
});
