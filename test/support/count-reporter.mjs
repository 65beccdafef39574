import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * A @web/test-runner reporter that writes `{ passed, failed, ran, failures }` to `file`, for
 * test/run-all.ts. A skipped test counts as failed: nothing may be skipped. A file that failed to
 * load, or an error outside any test, counts as one failure. `ran` is every test the browser
 * reported; run-all.ts compares it with what the files declare, since a file that fails to load
 * reports none of its tests. `failures` names each failure with its first error line: run-all
 * prints them beside the closing count, where a CI log that keeps only its tail still shows them.
 * @param {string} file
 * @returns {import('@web/test-runner').Reporter}
 */
export function countReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0;
      let failed = 0;
      let ran = 0;
      /** @type {string[]} */
      const failures = [];
      /** @param {{ message?: string } | undefined} error */
      const firstLine = (error) => (error?.message ?? 'no error message').split('\n')[0]?.slice(0, 200) ?? '';
      /**
       * @param {import('@web/test-runner').TestSuiteResult} suite
       * @param {string[]} path the file, then the describe blocks around `suite`
       */
      const walk = (suite, path) => {
        for (const t of suite.tests) {
          ran++;
          if (t.passed && !t.skipped) passed++;
          else {
            failed++;
            failures.push(`${[...path, t.name].join(' › ')}: ${t.skipped ? 'skipped' : firstLine(t.error)}`);
          }
        }
        for (const s of suite.suites) walk(s, [...path, s.name]);
      };
      for (const session of sessions) {
        const before = failed;
        const where = relative(process.cwd(), session.testFile);
        if (session.testResults) walk(session.testResults, [where]);
        if (!session.passed && failed === before) {
          failed++;
          failures.push(`${where}: ${firstLine(session.errors?.[0])}`);
        }
      }
      writeFileSync(file, JSON.stringify({ passed, failed, ran, failures }));
    },
  };
}
