import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minifyCss, minifyHtml, minifyTemplates } from '../../build/minify-templates.ts';

/** The build's minifier of Lit's `css`/`html` template text (build/minify-templates.ts). */
describe('template minifier', () => {
  it('drops CSS indents, comments and spaces that carry no meaning, and keeps the ones that do', () => {
    const css = "\n  /* why */\n  .a :hover, .b > .c {\n    width: calc(100% - 8px);\n    content: 'two  spaces';\n  }\n";
    assert.equal(minifyCss(css), "\n\n.a :hover,.b > .c{\nwidth:calc(100% - 8px);\ncontent:'two  spaces';\n}\n");
  });

  it('keeps the space before and after an interpolated value', () => {
    assert.equal(minifyCss('border: 1px solid '), 'border:1px solid ');
    assert.equal(minifyCss(' !important;'), ' !important;');
  });

  it('drops markup indents around line breaks only', () => {
    assert.equal(minifyHtml('\n    <p>a  b</p>\n    <span>c</span> '), '\n<p>a  b</p>\n<span>c</span> ');
  });

  it('rewrites only css, html and svg templates, and keeps every line where it was', () => {
    const code = "const s = css`\n  a { b: c; }\n`;\nconst t = html`\n    <p>${x}</p>\n`;\nconst u = other`\n  kept  as is\n`;\n";
    const out = minifyTemplates(code, 'x.ts')!;
    assert.equal(out, "const s = css`\na{b:c;}\n`;\nconst t = html`\n<p>${x}</p>\n`;\nconst u = other`\n  kept  as is\n`;\n");
    assert.equal(out.split('\n').length, code.split('\n').length);
    assert.equal(minifyTemplates('const n = 1;', 'y.ts'), null);
  });
});
