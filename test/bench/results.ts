/**
 * What every measurement returns: rows of figures, each beside the baseline it is compared
 * with, measured in the same run (the machine is shared and noisy, so the ratio means more
 * than the absolute figure). Nothing here judges speed: `target` only describes issue 13's goal.
 */

/** `higher`: more is better (msg/s); `lower`: less is better (ms, bytes, sockets). */
export type Direction = 'higher' | 'lower';

export interface Row {
  /** Issue 13's item number (1 to 9). */
  item: number;
  name: string;
  unit: string;
  direction: Direction;
  /** Every repetition's figure, in `unit`. */
  samples: number[];
  /** The baseline's figures, measured in the same run, when there is one. */
  baseline?: { name: string; samples: number[] };
  /**
   * Issue 13's target, as a bound on Parley / baseline (`ratio`), on the difference
   * Parley − baseline (`difference`, in `unit`), or on Parley's own figure (`absolute`).
   */
  target?: { kind: 'ratio' | 'difference' | 'absolute'; bound: number; text: string };
  /** Anything the reader must know to read the figure (what was measured through what). */
  note?: string;
}

/** A latency distribution for the chart: every sample of one repetition, in ms. */
export interface Distribution {
  name: string;
  samples: number[];
}

export interface Section {
  rows: Row[];
  distributions?: Distribution[];
  /** Extra tables (the MQTT chunk's bundle analysis). */
  tables?: { title: string; head: string[]; body: (string | number)[][] }[];
}

export const median = (xs: number[]): number => percentile(xs, 50);

/** Nearest-rank percentile of `xs` (unsorted), `p` in 0..100. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Parley's median / the baseline's median, or NaN without a baseline. */
export const ratio = (row: Row): number => (row.baseline ? median(row.samples) / median(row.baseline.samples) : NaN);

/** Whether the median meets the target; undefined when there is none. */
export function met(row: Row): boolean | undefined {
  const t = row.target;
  if (!t) return undefined;
  return meets(row, t.kind === 'absolute' ? median(row.samples) : t.kind === 'ratio' ? ratio(row) : median(row.samples) - median(row.baseline!.samples));
}

/**
 * How many repetitions meet the target on their own figures, each against the baseline taken
 * in the same repetition. The verdict on the medians can rest on one repetition of three, and
 * these machines move a rate by ±20% from run to run (docs/speed.md): "met in 2 of 3" says
 * the figure sits on its bound. Undefined without a target, or when the baseline's figures
 * are not one per repetition.
 */
export function metIn(row: Row): { met: number; of: number } | undefined {
  const t = row.target;
  if (!t || (t.kind !== 'absolute' && row.baseline?.samples.length !== row.samples.length)) return undefined;
  const base = row.baseline?.samples ?? [];
  const each = row.samples.map((x, i) => meets(row, t.kind === 'absolute' ? x : t.kind === 'ratio' ? x / base[i]! : x - base[i]!));
  return { met: each.filter(Boolean).length, of: each.length };
}

/** Whether `value` (the target's kind of figure) is within the row's target. */
function meets(row: Row, value: number): boolean | undefined {
  const t = row.target!;
  if (Number.isNaN(value)) return undefined;
  // A ratio target on a `higher` row is a floor (at least 25% of the relay); everything else a ceiling.
  return t.kind === 'ratio' && row.direction === 'higher' ? value >= t.bound : value <= t.bound;
}

/** Runs `once` `times` times, one after the other, and collects its figures. */
export async function repeat<T>(times: number, once: (rep: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let rep = 0; rep < times; rep++) out.push(await once(rep));
  return out;
}
