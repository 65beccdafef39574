import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a suite's files declare, read as text, so that test/run-all.ts can tell a suite that ran
 * fewer tests than it has (a file that failed to load, a loop over an empty list, a test left
 * out by an `if`) from one that passed.
 */

/** Every `.ts` file below `dir` (helpers too: transport-contract.ts declares tests for others). */
export function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sourceFiles(path);
      return name.endsWith('.ts') ? [path] : [];
    });
}

/**
 * `it('…'` / `test('…'` calls (and their `.only`, `.skip`, `.todo`), with a literal name, in the text. Each runs at least once; one
 * inside a loop or a shared helper may run more often, so this is a lower bound on what a
 * complete run reports.
 */
const DECLARED = /(?<![\w$.])(?:it|test)(?:\.(?:only|skip|todo))?\(\s*['"`]/g;

/** A focused test (`only` on describe, it or test, or an `only: true` option) hides the others. */
const FOCUSED = /(?<![\w$])(?:describe|suite|context|it|test|specify)\.only\s*\(|\bonly\s*:\s*true\b/;

export function declaredTests(files: string[]): number {
  return files.reduce((sum, file) => sum + (readFileSync(file, 'utf8').match(DECLARED)?.length ?? 0), 0);
}

/** `file:line: text` for each focused test in `files`. */
export function focusedTests(files: string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (FOCUSED.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
  );
}
