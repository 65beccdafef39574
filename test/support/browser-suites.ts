/**
 * The browser suite (test/browser) once per browser, one run after the other: `npm run
 * test:browser` runs this file, and test/run-all.ts calls `runBrowserSuite` for each browser.
 * The runs are sequential because the tests share the real servers and count their sockets
 * (web-test-runner.config.mjs). Within a browser, too, the runs are sequential: the main run,
 * then one per file that drives SharedWorkers over DevTools (`runBrowserSuite`). Arguments after
 * `--` go to each run, e.g.
 * `npm run test:browser -- --files 'test/browser/mqtt-*.test.ts'`; PARLEY_BROWSER=firefox
 * (or chromium) runs one browser only.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BROWSER_NAMES, isBrowserName, ownBrowserFiles, type BrowserName } from './browsers.ts';

/** One test file's figures, as test/support/count-reporter.mjs writes them. */
interface FileCount {
  passed: number;
  failed: number;
  ran: number;
  failures: string[];
  /** Its only failure was that its page went away ("the browser disconnected"). */
  interrupted: boolean;
  /** Its wall time, ms. */
  ms: number;
  /** Each test's duration, ms, as mocha measured it. */
  tests: { name: string; ms: number }[];
}

export interface BrowserSuiteResult {
  browser: BrowserName;
  /** 0 if every run ended well (a file retried counts by its second run), else non-zero. */
  code: number;
  passed: number;
  failed: number;
  /** Every test the browser reported (test/support/count-reporter.mjs). */
  ran: number;
  /** Each failed test, as `file › suite › test: first error line`. */
  failures: string[];
  /** Files run a second time after their page went away: each is counted by its second run only. */
  retried: string[];
  /** Wall time of the suite, ms. */
  ms: number;
  /** The slowest files, slowest first, as `file seconds`: where to look when the suite grows. */
  slowest: string[];
  /** The slowest tests, likewise, as `file › suite › test seconds`. */
  slowestTests: string[];
}

/** How many of the slowest files a suite names (and twice as many tests). */
const SLOWEST = 8;

/** One @web/test-runner run: its exit code and each file's figures. */
function runWtr(browser: BrowserName, args: string[], suite: string): Promise<{ code: number; files: Record<string, FileCount> }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-wtr-count-'));
  const countFile = join(dir, `${browser}.json`);
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js', '--config', 'web-test-runner.config.mjs', ...args],
      // PARLEY_SUITE_ID: the runs of one suite add up their fault-matrix tables (fault-servers.ts).
      { stdio: 'inherit', env: { ...process.env, PARLEY_BROWSER: browser, PARLEY_COUNT_FILE: countFile, PARLEY_SUITE_ID: suite } },
    );
    const finish = (code: number) => {
      const files = existsSync(countFile) ? (JSON.parse(readFileSync(countFile, 'utf8')) as { files: Record<string, FileCount> }).files : {};
      rmSync(dir, { recursive: true, force: true });
      done({ code, files });
    };
    child.on('error', () => finish(1));
    child.on('close', (code) => finish(code ?? 1));
  });
}

/** `args` less its `--files` choices (`--files X` and `--files=X`). */
function withoutFiles(args: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--files') i++;
    else if (!args[i]!.startsWith('--files=')) kept.push(args[i]!);
  }
  return kept;
}

/**
 * The browser suite in one browser. Without a `--files` argument that is the config's files in
 * one run, then each of OWN_BROWSER_FILES (test/support/browsers.ts) in a run of its own, so in a
 * fresh browser; with one, the files it names, in one run.
 *
 * A file whose page went away mid-run ("the browser disconnected": the browser process or the
 * page's renderer died under it, and no test of the file failed) runs once more, alone, in a fresh browser,
 * and counts by that second run only: its first figures are dropped, not added to. The retry is
 * printed, and named again in the closing summary. A file with a failed test is never retried.
 */
export async function runBrowserSuite(browser: BrowserName, args: string[] = []): Promise<BrowserSuiteResult> {
  const started = Date.now();
  const suite = `${browser}-${started}-${process.pid}`;
  const own = args.some((a) => a === '--files' || a.startsWith('--files=')) ? [] : ownBrowserFiles(browser);
  const runs = [args, ...own.map((f) => [...args, '--files', f])];
  const files: Record<string, FileCount> = {};
  const retried: string[] = [];
  let code = 0;
  for (const run of runs) {
    const first = await runWtr(browser, run, suite);
    Object.assign(files, first.files);
    const lost = Object.entries(first.files).filter(([, c]) => c.interrupted).map(([f]) => f);
    const otherFailures = Object.values(first.files).some((c) => c.failed > 0 && !c.interrupted);
    if (lost.length === 0) {
      code ||= first.code;
      continue;
    }
    console.error(
      `\n!!! RETRY (${browser}): ${lost.join(', ')} lost its page mid-run ("the browser disconnected"), with no test failed;` +
        ` running ${lost.length === 1 ? 'it' : 'them'} ONCE more in a fresh browser. The first run's figures for ${lost.length === 1 ? 'it are' : 'them are'} dropped.\n`,
    );
    retried.push(...lost);
    const again = await runWtr(browser, [...withoutFiles(run), ...lost.flatMap((f) => ['--files', f])], suite);
    for (const f of lost) {
      // A file the second run did not report (it failed to start) stays counted as failed.
      files[f] = again.files[f] ?? { ...files[f]!, interrupted: false };
    }
    // The first run's exit code stands if anything but the lost files failed in it; else the
    // second run's does, and a lost file it did not report fails the suite.
    if (otherFailures) code ||= first.code;
    code ||= again.code;
    if (lost.some((f) => !again.files[f])) code ||= 1;
  }
  const all = Object.values(files);
  const sum = (key: 'passed' | 'failed' | 'ran') => all.reduce((n, c) => n + c[key], 0);
  const slowest = Object.entries(files)
    .sort(([, a], [, b]) => b.ms - a.ms)
    .slice(0, SLOWEST)
    .map(([f, c]) => `${f} ${(c.ms / 1000).toFixed(1)} s`);
  const slowestTests = all
    .flatMap((c) => c.tests)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 2 * SLOWEST)
    .map((t) => `${t.name} ${(t.ms / 1000).toFixed(1)} s`);
  return { browser, code, passed: sum('passed'), failed: sum('failed'), ran: sum('ran'), failures: all.flatMap((c) => c.failures), retried, ms: Date.now() - started, slowest, slowestTests };
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
  for (const r of results) {
    console.log(`${r.browser.padEnd(9)} ${r.passed} passed, ${r.failed} failed (${(r.ms / 1000).toFixed(1)} s)`);
    for (const f of r.retried) console.log(`${r.browser.padEnd(9)} retried once after its browser disconnected: ${f}`);
    console.log(`${r.browser.padEnd(9)} slowest files: ${r.slowest.join(', ')}`);
    console.log(`${r.browser.padEnd(9)} slowest tests:\n  ${r.slowestTests.join('\n  ')}`);
  }
  process.exit(results.some((r) => r.code !== 0 || r.failed > 0) ? 1 : 0);
}
