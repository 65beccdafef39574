import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressed } from './compress.ts';
import type { Section } from './results.ts';
import { charsBySource } from './source-map.ts';

/** Parts listed per file; the rest of the file is summed in one "other" line. */
const TOP = +(process.env.ANALYSIS_TOP ?? 16);

/**
 * Item 1's bundle analysis of the widget opened on JSON: for each file the "widget opened on
 * JSON" total counts (measured by sizes.ts, which passes them), what each source module weighs,
 * read from the file's source map as in mqtt-analysis.ts. A module's gzip figure is its share
 * of the file's real gzip size, an estimate. "(bundle glue)" is output with no source: helpers
 * and the lowered class fields of the build target. Unlike the MQTT analysis, a line that
 * starts with no mapping continues the previous line's source: the later lines of a multi-line
 * template literal (the CSS of `css` and the markup of `html`) carry no mapping of their own,
 * and were counted as glue before, which hid most of the UI's CSS and markup.
 */
export function analyseWidget(files: readonly string[], dist = 'dist'): Section {
  const body: string[][] = [];
  for (const file of files) {
    const code = readFileSync(join(dist, file), 'utf8');
    let map: { sources: string[]; mappings: string };
    try {
      map = JSON.parse(readFileSync(join(dist, `${file}.map`), 'utf8')) as typeof map;
    } catch {
      continue; // loader.js is built by esbuild beside the others; sizes.ts counts it whole
    }
    const gzip = compressed(Buffer.from(code)).gzip;
    const parts = [...charsBySource(code, map.mappings, true)]
      .map(([index, chars]) => ({ name: index < 0 ? '(bundle glue)' : shortName(map.sources[index]!), chars }))
      .sort((a, b) => b.chars - a.chars);
    const shown = parts.slice(0, TOP);
    const rest = parts.slice(TOP).reduce((sum, p) => sum + p.chars, 0);
    if (rest) shown.push({ name: `other (${parts.length - TOP} modules)`, chars: rest });
    for (const [i, p] of shown.entries())
      body.push([i === 0 ? `${file} (${(gzip / 1024).toFixed(1)} kB gzip)` : '', p.name, (p.chars / 1024).toFixed(1), ((gzip * p.chars) / code.length / 1024).toFixed(2)]);
  }
  return {
    rows: [],
    tables: [{ title: 'Widget opened on JSON: each file by its source map (gzip is the module\'s share of its file\'s, an estimate)', head: ['file', 'module', 'minified kB', 'est. gzip kB'], body }],
  };
}

/** `../../node_modules/lit-html/lit-html.js` → `lit-html/lit-html.js`; `../widget/x.ts` → `widget/x.ts`. */
const shortName = (source: string): string => source.replace(/\\/g, '/').replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, '');
