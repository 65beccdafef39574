/**
 * The fault matrix's rows and their table (issue 12): one row per scenario and transport, with
 * what was sent, received, lost and duplicated, and how long recovery took. The browser suite
 * posts rows through the `fault-row` server command (test/support/fault-servers.ts), the e2e and
 * node suites add theirs directly; each prints its table when it ends and writes it under
 * test-results/ (gitignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface FaultRow {
  scenario: string;
  transport: string;
  /** Messages the widget accepted (shown as queued), all senders together. */
  sent: number;
  /** Distinct messages the receivers ended with. */
  received: number;
  lost: number;
  /** Copies beyond the first of one message at a receiver (by id, or by text under a new id). */
  duplicated: number;
  /** From the end of the fault to every invariant holding, in ms; undefined where not measured. */
  recoverMs?: number;
  /** Anything else the scenario measured (detection time, heap, attempts…). */
  note?: string;
}

const HEADER = ['scenario', 'transport', 'sent', 'received', 'lost', 'dup', 'recover (s)', 'notes'];

const cells = (r: FaultRow): string[] => [
  r.scenario,
  r.transport,
  String(r.sent),
  String(r.received),
  String(r.lost),
  String(r.duplicated),
  r.recoverMs === undefined ? '–' : (r.recoverMs / 1000).toFixed(1),
  r.note ?? '',
];

/** A Markdown table, readable as plain text too (columns padded). */
export function faultTable(title: string, rows: readonly FaultRow[]): string {
  const body = rows.map(cells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [`## ${title}`, '', line(HEADER), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ''].join('\n');
}

/** Prints the table and writes it to `file` (under test-results/). */
export function reportFaults(title: string, rows: readonly FaultRow[], file: string): void {
  if (rows.length === 0) return;
  const text = faultTable(title, rows);
  console.log(`\n${text}`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
