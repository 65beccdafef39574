/**
 * The browser suite (test/browser) once per browser, one run after the other: `npm run
 * test:browser` runs this file, and test/run-all.ts calls `runBrowserSuite` for each browser.
 * The runs are sequential because the tests share the real servers and count their sockets
 * (web-test-runner.config.mjs). Arguments after `--` go to each run, e.g.
 * `npm run test:browser -- --files 'test/browser/mqtt-*.test.ts'`; PARLEY_BROWSER=firefox
 * (or chromium) runs one browser only.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BROWSER_NAMES, isBrowserName, type BrowserName } from './browsers.ts';

export interface BrowserSuiteResult {
  browser: BrowserName;
  /** wtr's exit code. */
  code: number;
  passed: number;
  failed: number;
  /** Every test the browser reported (test/support/count-reporter.mjs). */
  ran: number;
  /** Each failed test, as `file › suite › test: first error line`. */
  failures: string[];
  /** Wall time of the run, ms. */
  ms: number;
}

export function runBrowserSuite(browser: BrowserName, args: string[] = []): Promise<BrowserSuiteResult> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-wtr-count-'));
  const countFile = join(dir, `${browser}.json`);
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js', '--config', 'web-test-runner.config.mjs', ...args],
      { stdio: 'inherit', env: { ...process.env, PARLEY_BROWSER: browser, PARLEY_COUNT_FILE: countFile } },
    );
    const finish = (code: number) => {
      const count = existsSync(countFile)
        ? (JSON.parse(readFileSync(countFile, 'utf8')) as Omit<BrowserSuiteResult, 'browser' | 'code' | 'ms'>)
        : { passed: 0, failed: 0, ran: 0, failures: [] };
      rmSync(dir, { recursive: true, force: true });
      done({ browser, code, ...count, ms: Date.now() - started });
    };
    child.on('error', () => finish(1));
    child.on('close', (code) => finish(code ?? 1));
  });
}

/** The browsers to run: PARLEY_BROWSER if set, else all of them. */
export function selectedBrowsers(): BrowserName[] {
  const only = process.env.PARLEY_BROWSER;
  if (only === undefined || only === '') return [...BROWSER_NAMES];
  if (!isBrowserName(only)) throw new Error(`PARLEY_BROWSER is "${only}"; it must be one of ${BROWSER_NAMES.join(', ')}`);
  return [only];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results: BrowserSuiteResult[] = [];
  for (const browser of selectedBrowsers()) results.push(await runBrowserSuite(browser, process.argv.slice(2)));
  console.log('');
  for (const r of results)
    console.log(`${r.browser.padEnd(9)} ${r.passed} passed, ${r.failed} failed (${(r.ms / 1000).toFixed(1)} s)`);
  process.exit(results.some((r) => r.code !== 0 || r.failed > 0) ? 1 : 0);
}
