const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One source-map segment's fields (base64 VLQ, as in the source map spec). */
function vlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/**
 * Output characters per source index (-1: not mapped), from a source map's `mappings`.
 * `acrossLines`: a line's unmapped start, and the line break before it, belong to the previous
 * line's source. Minifiers leave a multi-line template literal's later lines without segments,
 * so without this the UI's CSS and markup counted as unmapped (test/bench/widget-analysis.ts).
 */
export function charsBySource(code: string, mappings: string, acrossLines = false): Map<number, number> {
  const lines = code.split('\n');
  const counts = new Map<number, number>();
  const add = (source: number, n: number) => counts.set(source, (counts.get(source) ?? 0) + n);
  let source = 0;
  let current = -1;
  for (const [row, line] of mappings.split(';').entries()) {
    const length = (lines[row]?.length ?? 0) + (acrossLines && row < lines.length - 1 ? 1 : 0);
    if (!acrossLines) current = -1;
    let column = 0;
    let start = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields = vlq(segment);
      column += fields[0]!;
      add(current, column - start);
      start = column;
      if (fields.length >= 4) {
        source += fields[1]!;
        current = source;
      } else current = -1;
    }
    add(current, length - start);
  }
  return counts;
}
