/**
 * The length of `text` in UTF-8, in bytes, as TextEncoder would encode it (a lone surrogate
 * becomes U+FFFD, 3 bytes), without encoding it: the health counters add this up for every
 * message in and out, and an encode allocated a buffer per message only to measure it.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair: one code point above U+FFFF.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit < 0xe000;
