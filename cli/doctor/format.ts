import { LAYER_TITLES, type LayerResult } from './layer.ts';
import type { DoctorReport } from './run.ts';

const MARK = { ok: 'ok  ', fail: 'FAIL', skip: '--  ' } as const;
const TITLE_WIDTH = Math.max(...Object.values(LAYER_TITLES).map((t) => t.length));

/** The first line of the text output. */
export const formatHeader = (url: string, protocol: string): string => `parley doctor ${url} (${protocol})`;

/** One line per layer: mark, name, time, what was found; a failure adds its fix on the next line. */
export function formatLayer(r: LayerResult): string {
  const time = r.status === 'skip' ? '' : `${r.ms} ms`;
  const line = `${MARK[r.status]}  ${LAYER_TITLES[r.layer].padEnd(TITLE_WIDTH)}  ${time.padStart(8)}  ${r.detail}`;
  return r.fix ? `${line}\n${' '.repeat(6 + TITLE_WIDTH + 12)}fix: ${r.fix}` : line;
}

/** The last line: the verdict. */
export const formatVerdict = (report: DoctorReport): string =>
  report.ok
    ? `all layers passed in ${report.ms} ms`
    : `failed at ${LAYER_TITLES[report.failed!]} after ${report.ms} ms`;

/** The whole report as one JSON object (`--json`), for monitoring. */
export const formatJson = (report: DoctorReport): string => JSON.stringify(report, null, 2);
