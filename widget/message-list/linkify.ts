/** A piece of message text: plain, or a link the visitor may follow. */
export type TextPart = { text: string; href?: string };

/** Only these open as links; anything else (javascript:, data:, file:) stays plain text. */
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
const CANDIDATE = /\b(?:https?:\/\/|mailto:)[^\s<>"]+/gi;
/** Punctuation that usually ends the sentence around a link rather than the link itself. */
const TRAILING = /[.,;:!?'")\]}>]+$/;

/**
 * Splits text into plain parts and links. The result is rendered through Lit text and attribute
 * bindings, so nothing in it is ever parsed as HTML.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    let raw = match[0];
    // Keep a closing bracket that has its opening one inside the link (Wikipedia-style URLs).
    const trailing = TRAILING.exec(raw)?.[0] ?? '';
    if (trailing && !(trailing === ')' && raw.includes('('))) raw = raw.slice(0, raw.length - trailing.length);
    const href = safeHref(raw);
    if (!href) continue;
    const start = match.index;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

function safeHref(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}
