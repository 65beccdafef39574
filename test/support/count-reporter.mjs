import { writeFileSync } from 'node:fs';

/**
 * A @web/test-runner reporter that writes `{ passed, failed }` to `file`, for test/run-all.ts.
 * A skipped test counts as failed: nothing may be skipped. A file that failed to load, or an
 * error outside any test, counts as one failure.
 */
export function countReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0;
      let failed = 0;
      const walk = (suite) => {
        for (const t of suite.tests) t.passed && !t.skipped ? passed++ : failed++;
        for (const s of suite.suites) walk(s);
      };
      for (const session of sessions) {
        const before = failed;
        if (session.testResults) walk(session.testResults);
        if (!session.passed && failed === before) failed++;
      }
      writeFileSync(file, JSON.stringify({ passed, failed }));
    },
  };
}
