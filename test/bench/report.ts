import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { median, met, metIn, percentile, ratio, type Distribution, type Row, type Section } from './results.ts';

/** The printed table, `bench/results.json` and `bench/report.html` (inline SVG, no network). */

const fmt = (n: number): string => (Number.isNaN(n) ? '' : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));
/** On the medians, and how many repetitions meet it on their own (results.ts, metIn). */
const verdict = (row: Row) => {
  const word = ({ true: 'met', false: 'NOT met', undefined: '' } as const)[String(met(row)) as 'true' | 'false' | 'undefined'];
  const reps = metIn(row);
  return word && reps && reps.of > 1 ? `${word} (${reps.met} of ${reps.of} reps)` : word;
};

const difference = (r: Row) => {
  const d = median(r.samples) - median(r.baseline!.samples);
  return `${d >= 0 ? '+' : ''}${fmt(d)} ${r.unit}`;
};

export function tableLines(rows: Row[]): string[][] {
  return rows.map((r) => [
    String(r.item),
    r.name,
    `${fmt(median(r.samples))} ${r.unit}`,
    fmt(percentile(r.samples, 95)),
    r.baseline ? `${fmt(median(r.baseline.samples))} (${r.baseline.name})` : '',
    fmt(ratio(r)),
    r.target ? `${r.target.text}: ${verdict(r)}${r.target.kind === 'difference' ? ` (${difference(r)})` : ''}` : '',
  ]);
}

const HEAD = ['#', 'measure', 'median', 'p95', 'baseline median', 'ratio', 'target'];

export function printTable(sections: Section[]): void {
  const lines = [HEAD, ...tableLines(sections.flatMap((s) => s.rows))];
  const widths = HEAD.map((_, i) => Math.min(i === 4 ? 48 : 70, Math.max(...lines.map((l) => l[i]!.length))));
  for (const line of lines) console.log(line.map((c, i) => c.slice(0, widths[i]).padEnd(widths[i]!)).join(' | '));
  for (const table of sections.flatMap((s) => s.tables ?? [])) {
    console.log(`\n${table.title}`);
    for (const row of [table.head, ...table.body]) console.log(`  ${row.map(String).join(' | ')}`);
  }
}

export function writeJson(path: string, meta: object, sections: Section[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const rows = sections.flatMap((s) => s.rows).map((r) => ({ ...r, median: median(r.samples), p95: percentile(r.samples, 95), baselineMedian: r.baseline && median(r.baseline.samples), ratio: ratio(r), met: met(r), metIn: metIn(r) }));
  writeFileSync(path, `${JSON.stringify({ ...meta, rows, tables: sections.flatMap((s) => s.tables ?? []), distributions: sections.flatMap((s) => s.distributions ?? []).map((d) => ({ name: d.name, count: d.samples.length, p50: median(d.samples), p95: percentile(d.samples, 95), samples: d.samples })) }, null, 1)}\n`);
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' } as Record<string, string>)[c]};`);

/** Horizontal box plots (p5, p50, p95, max tick) of every latency distribution, on one log-free ms axis each. */
function distributionChart(ds: Distribution[]): string {
  if (ds.length === 0) return '';
  const w = 900, rowH = 34, left = 330, h = ds.length * rowH + 30;
  const max = Math.max(...ds.map((d) => percentile(d.samples, 99)));
  const x = (v: number) => left + ((w - left - 20) * Math.min(v, max)) / max;
  const rows = ds.map((d, i) => {
    const y = 20 + i * rowH;
    const [p5, p50, p95] = [5, 50, 95].map((p) => percentile(d.samples, p)) as [number, number, number];
    return `<text x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(d.name)}</text>
<line x1="${x(p5)}" x2="${x(p95)}" y1="${y + 10}" y2="${y + 10}" stroke="#555"/>
<rect x="${x(p5)}" y="${y + 3}" width="${Math.max(1, x(p50) - x(p5))}" height="14" fill="#9ecae1"/>
<rect x="${x(p50)}" y="${y + 3}" width="${Math.max(1, x(p95) - x(p50))}" height="14" fill="#3182bd"/>
<text x="${x(p95) + 4}" y="${y + 14}">p50 ${fmt(p50)} · p95 ${fmt(p95)} ms (n=${d.samples.length})</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12" role="img" aria-label="Latency distributions">
<line x1="${left}" x2="${left}" y1="10" y2="${h - 10}" stroke="#999"/><text x="${w - 20}" y="${h - 2}" text-anchor="end">0 … ${fmt(max)} ms (p99 of the slowest)</text>
${rows.join('\n')}</svg>`;
}

/** Bars of Parley / baseline for every row with a ratio target, with the target's line. */
function ratioChart(rows: Row[]): string {
  const rs = rows.filter((r) => r.target?.kind === 'ratio' && !Number.isNaN(ratio(r)));
  if (rs.length === 0) return '';
  const w = 900, rowH = 30, left = 330, h = rs.length * rowH + 30;
  const max = Math.max(1, ...rs.map((r) => Math.max(ratio(r), r.target!.bound)));
  const x = (v: number) => left + ((w - left - 140) * v) / max;
  const bars = rs.map((r, i) => {
    const y = 10 + i * rowH;
    const ok = met(r);
    return `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(r.name.slice(0, 52))}</text>
<rect x="${left}" y="${y + 4}" width="${Math.max(1, x(ratio(r)) - left)}" height="16" fill="${ok ? '#31a354' : '#de2d26'}"/>
<line x1="${x(r.target!.bound)}" x2="${x(r.target!.bound)}" y1="${y}" y2="${y + 24}" stroke="#000" stroke-dasharray="3 2"/>
<text x="${x(ratio(r)) + 4}" y="${y + 16}">${fmt(ratio(r))}× (target ${r.direction === 'higher' ? '≥' : '≤'} ${r.target!.bound})</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12" role="img" aria-label="Ratios against baselines">
<line x1="${x(1)}" x2="${x(1)}" y1="0" y2="${h}" stroke="#999"/><text x="${x(1) + 3}" y="${h - 4}">1× = baseline</text>
${bars.join('\n')}</svg>`;
}

/** One sentence that sums the run up, for the report's title and the closing note. */
export function headline(rows: Row[]): string {
  const targeted = rows.filter((r) => met(r) !== undefined);
  const ok = targeted.filter((r) => met(r));
  const solid = ok.filter((r) => {
    const reps = metIn(r);
    return reps && reps.met === reps.of;
  });
  const worst = targeted.filter((r) => r.target?.kind === 'ratio' && r.direction === 'higher').sort((a, b) => ratio(a) - ratio(b))[0];
  return `${ok.length} of ${targeted.length} targets met (${solid.length} of them in every repetition)${worst ? `; slowest against its baseline: ${worst.name} at ${fmt(ratio(worst))}× (target ≥ ${worst.target!.bound}×)` : ''}.`;
}

export function writeHtml(path: string, meta: { date: string; reps: number; machine: string }, sections: Section[]): void {
  const rows = sections.flatMap((s) => s.rows);
  const table = (head: string[], body: (string | number)[][]) =>
    `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`;
  const notes = rows.filter((r) => r.note).map((r) => `<li><b>${esc(r.name)}</b>: ${esc(r.note!)}</li>`).join('');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>Parley benchmarks</title>
<style>body{font:14px sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#eee}</style>
<h1>Parley benchmarks</h1>
<p><b>${esc(headline(rows))}</b></p>
<p>${esc(meta.date)} · ${meta.reps} repetitions · ${esc(meta.machine)}. Medians and p95 are over repetitions; every ratio is Parley's median over its baseline's median from the same run; a target's \u201ck of n reps\u201d counts the repetitions that meet it on their own figures. Nothing here is asserted: it is a measurement.</p>
<h2>Ratios against the baselines</h2>${ratioChart(rows)}
<h2>Latency distributions</h2>${distributionChart(sections.flatMap((s) => s.distributions ?? []))}
<h2>Table</h2>${table(HEAD, tableLines(rows))}
${sections.flatMap((s) => s.tables ?? []).map((t) => `<h2>${esc(t.title)}</h2>${table(t.head, t.body)}`).join('\n')}
<h2>Notes</h2><ul>${notes}</ul>
</html>\n`,
  );
}
