import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * The error @web/test-runner gives a file whose page went away mid-run (its WebSocket closed): the
 * browser process died or the tab was closed under it. The page's teardown then fails on the
 * dead page, with one of the messages in LOST_PAGE.
 */
export const BROWSER_DISCONNECTED = 'Tests were interrupted because the browser disconnected.';
const LOST_PAGE = /^Tests were interrupted because the browser disconnected\.|Attempted to use detached Frame|Target closed|Session closed|Connection closed/;

/**
 * @typedef {object} FileCount
 * @property {number} passed
 * @property {number} failed
 * @property {number} ran
 * @property {string[]} failures
 * @property {boolean} interrupted true when the file's only failure is BROWSER_DISCONNECTED (and
 *   the teardown errors that follow it): no test of the file failed. browser-suites.ts runs such
 *   a file again, once; an assertion failure is never retried.
 * @property {{ name: string, ms: number }[]} tests each test's duration as mocha measured it
 *   (hooks not included), for finding what makes a suite slow
 * @property {number} ms the file's wall time, from the end of the file before it (or the run's
 *   start) to its own end; exact because the config runs one file at a time (concurrency 1).
 */

/**
 * A @web/test-runner reporter that writes `{ passed, failed, ran, failures, files }` to `file`,
 * for test/support/browser-suites.ts and test/run-all.ts; `files` holds the same figures for each
 * test file, so that a file run again replaces its first figures instead of adding to them. A
 * skipped test counts as failed: nothing may be skipped. A file that failed to load, or an error
 * outside any test, counts as one failure. `ran` is every test the browser reported; run-all.ts
 * compares it with what the files declare, since a file that fails to load reports none of its
 * tests. `failures` names each failure with its first error line: run-all prints them beside the
 * closing count, where a CI log that keeps only its tail still shows them.
 * @param {string} file
 * @returns {import('@web/test-runner').Reporter}
 */
export function countReporter(file) {
  /** @type {Record<string, number>} wall time of each file, ms */
  const took = {};
  let mark = Date.now();
  return {
    start() {
      mark = Date.now();
    },
    // Called when a file's session finishes, and again for every file when the run ends: only
    // the first call times it.
    reportTestFileResults({ testFile }) {
      const where = relative(process.cwd(), testFile);
      if (where in took) return;
      const now = Date.now();
      took[where] = now - mark;
      mark = now;
    },
    onTestRunFinished({ sessions }) {
      /** @type {Record<string, FileCount>} */
      const files = {};
      /** @param {{ message?: string } | undefined} error */
      const firstLine = (error) => (error?.message ?? 'no error message').split('\n')[0]?.slice(0, 200) ?? '';
      for (const session of sessions) {
        const where = relative(process.cwd(), session.testFile);
        /** @type {FileCount} */
        const count = { passed: 0, failed: 0, ran: 0, failures: [], interrupted: false, ms: took[where] ?? 0, tests: [] };
        /**
         * @param {import('@web/test-runner').TestSuiteResult} suite
         * @param {string[]} path the file, then the describe blocks around `suite`
         */
        const walk = (suite, path) => {
          for (const t of suite.tests) {
            count.ran++;
            count.tests.push({ name: [...path, t.name].join(' › '), ms: t.duration ?? 0 });
            if (t.passed && !t.skipped) count.passed++;
            else {
              count.failed++;
              count.failures.push(`${[...path, t.name].join(' › ')}: ${t.skipped ? 'skipped' : firstLine(t.error)}`);
            }
          }
          for (const s of suite.suites) walk(s, [...path, s.name]);
        };
        if (session.testResults) walk(session.testResults, [where]);
        if (!session.passed && count.failed === 0) {
          const errors = session.errors ?? [];
          count.interrupted = errors.some((e) => e.message === BROWSER_DISCONNECTED) && errors.every((e) => LOST_PAGE.test(e.message ?? ''));
          count.failed++;
          count.failures.push(`${where}: ${errors.map(firstLine).join(' / ') || 'no error message'}`);
        }
        files[where] = count;
      }
      const all = Object.values(files);
      const sum = (/** @type {'passed' | 'failed' | 'ran'} */ key) => all.reduce((n, c) => n + c[key], 0);
      writeFileSync(file, JSON.stringify({ passed: sum('passed'), failed: sum('failed'), ran: sum('ran'), failures: all.flatMap((c) => c.failures), files }));
    },
  };
}
