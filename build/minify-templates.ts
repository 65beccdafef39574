import { parseAst, type Plugin } from 'vite';

/**
 * Minifies the text of Lit's `css` and `html` (and `svg`) tagged templates at build time: the
 * JS minifier leaves template literals as they are, so every indent of the UI's CSS and
 * markup reached the visitor (about 14 kB raw of the opened widget).
 *
 * Only whitespace and CSS comments go, and every line break stays, so each module keeps its
 * line numbers and the source maps stay right (the transform returns `map: null`, which
 * rolldown reads as "nothing moved"). What is safe to drop:
 * - Around a line break, spaces and tabs (the indent). A run of whitespace with a line break in
 *   it still is one, so the browser collapses it to the same single space, or to nothing
 *   between blocks. (`white-space: pre*` would show the difference; no template text lies in
 *   such an element: a message's text is an expression.)
 * - In CSS, comments, and spaces after `:`, `;`, `,`, `{` and before and after `{` `}`, outside
 *   quotes. Not before `:` (`a :hover` differs from `a:hover`) and not around `+`, `-`, `>`
 *   (`calc()` needs them).
 */
export function minifyCss(text: string): string {
  // Comments first (never inside a quoted string in our CSS; the quote check below keeps
  // strings themselves as they are).
  const out: string[] = [];
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      out.push(c);
      if (c === '\\') out.push(text[++i] ?? '');
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      out.push(c);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      // Keep the comment's line breaks, so that lines still line up.
      out.push('\n'.repeat((text.slice(i, end < 0 ? text.length : end).match(/\n/g) ?? []).length));
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    if (/\s/.test(c)) {
      let j = i;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      const run = text.slice(i, j);
      const newlines = run.replace(/[^\n]/g, '');
      const before = out.at(-1) ?? '';
      const after = text[j] ?? '';
      // Kept at the text's edges, where it meets a `${}` that may hold a value (`solid ${c}`).
      const droppable = (before && /[{};:,]$/.test(before)) || /^[{};,]/.test(after);
      out.push(newlines || (droppable ? '' : ' '));
      i = j - 1;
      continue;
    }
    out.push(c);
  }
  return out.join('');
}

/** Markup: drop the spaces and tabs around each line break (see above). */
export const minifyHtml = (text: string): string => text.replace(/[ \t]*\n[ \t]*/g, '\n');

const TAGS: Record<string, (text: string) => string> = { css: minifyCss, html: minifyHtml, svg: minifyHtml };

/** `code` with the text of its `css`/`html`/`svg` tagged templates minified; null when it has none. */
export function minifyTemplates(code: string, file: string): string | null {
  if (!/\b(css|html|svg)`/.test(code)) return null;
  const edits: [start: number, end: number, text: string][] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as { type?: string; tag?: { type: string; name?: string }; quasi?: { quasis: { start: number; end: number; tail: boolean; value: { raw: string } }[] } };
    const minify = n.type === 'TaggedTemplateExpression' && n.tag?.type === 'Identifier' ? TAGS[n.tag.name!] : undefined;
    if (minify && n.quasi) {
      for (const q of n.quasi.quasis) {
        // The parser's span of a template element includes its delimiters (`` ` `` or `}`
        // before, `${` or `` ` `` after); some parsers give the raw text alone. Anything else
        // stops the build rather than cut the wrong characters.
        const [start, end] = code.slice(q.start, q.end) === q.value.raw ? [q.start, q.end] : [q.start + 1, q.end - (q.tail ? 1 : 2)];
        if (code.slice(start, end) !== q.value.raw) throw new Error(`${file}: a template's text is not where the parser says (at ${q.start})`);
        const text = minify(q.value.raw);
        if (text !== q.value.raw) edits.push([start, end, text]);
      }
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'parent' && value && typeof value === 'object') visit(value);
  };
  visit(parseAst(code, { lang: file.endsWith('.ts') ? 'ts' : 'js', sourceType: 'module' }, file));
  if (!edits.length) return null;
  let out = '';
  let at = 0;
  for (const [start, end, text] of edits.sort((a, b) => a[0] - b[0])) {
    out += code.slice(at, start) + text;
    at = end;
  }
  return out + code.slice(at);
}

/** The build's plugin: the widget's own modules (`widget/**`), before TypeScript is stripped. */
export function litTemplateMinifier(): Plugin {
  return {
    name: 'parley-lit-template-minifier',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/widget\/.*\.ts$/.test(id.split('?')[0]!)) return null;
      const out = minifyTemplates(code, id);
      return out === null ? null : { code: out, map: null };
    },
  };
}
