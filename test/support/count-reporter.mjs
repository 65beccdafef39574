import { writeFileSync } from 'node:fs';

/**
 * A @web/test-runner reporter that writes `{ passed, failed, ran }` to `file`, for
 * test/run-all.ts. A skipped test counts as failed: nothing may be skipped. A file that failed to
 * load, or an error outside any test, counts as one failure. `ran` is every test the browser
 * reported; run-all.ts compares it with what the files declare, since a file that fails to load
 * reports none of its tests.
 * @param {string} file
 * @returns {import('@web/test-runner').Reporter}
 */
export function countReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0;
      let failed = 0;
      let ran = 0;
      /** @param {import('@web/test-runner').TestSuiteResult} suite */
      const walk = (suite) => {
        for (const t of suite.tests) {
          ran++;
          t.passed && !t.skipped ? passed++ : failed++;
        }
        for (const s of suite.suites) walk(s);
      };
      for (const session of sessions) {
        const before = failed;
        if (session.testResults) walk(session.testResults);
        if (!session.passed && failed === before) failed++;
      }
      writeFileSync(file, JSON.stringify({ passed, failed, ran }));
    },
  };
}
