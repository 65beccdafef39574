/**
 * `npm test`: every suite, in order, then one line `N passed, N failed` summed over all of
 * them (.ci/run relies on it). A missing system package fails the run with a message that
 * says how to install it; nothing is skipped. A suite that reports fewer tests than its files
 * declare (test/support/declared-tests.ts) has the shortfall counted as failed, and a focused
 * test (`.only`) fails the run: either would let `0 failed` hide tests that never ran.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { declaredTests, focusedTests, sourceFiles } from './support/declared-tests.ts';
import { ensureSystemDeps } from './support/system-deps.ts';
import { BROWSER_NAMES, excludedFiles, type BrowserName } from './support/browsers.ts';
import { runBrowserSuite } from './support/browser-suites.ts';

interface Count {
  passed: number;
  failed: number;
}

const tmp = mkdtempSync(join(tmpdir(), 'parley-test-'));
const SUITES = { node: 'test/node', browser: 'test/browser', e2e: 'test/e2e' } as const;
/** Lines printed again above the closing summary, so they are not lost in the suites' output. */
const notes: string[] = [];

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', () => done(1));
    child.on('close', (code) => done(code ?? 1));
  });
}

const testFiles = (dir: string) => sourceFiles(dir).filter((f) => f.endsWith('.test.ts'));

/** One check that passes or fails as a whole, by exit code. */
const check = async (cmd: string, args: string[]): Promise<Count> =>
  (await run(cmd, args)) === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };

/**
 * Counts a shortfall as failed: `ran` is what the runner reported (passed, failed, skipped…),
 * `declared` what the suite's files declare.
 */
function withShortfall(name: string, dir: string, count: Count, ran: number, excluded: string[] = []): Count {
  const declared = declaredTests(sourceFiles(dir).filter((f) => !excluded.includes(f)));
  if (ran >= declared) return count;
  const where = excluded.length ? `${dir} (less ${excluded.join(', ')})` : dir;
  const note = `${name}: ran ${ran} of the ${declared} tests declared in ${where}; ${declared - ran} short, counted as failed`;
  console.error(note);
  notes.push(note);
  return { passed: count.passed, failed: count.failed + declared - ran };
}

/** node:test files; counts come from a TAP copy of the report. Skipped and todo count as failed. */
async function nodeTests(name: string, dir: string): Promise<Count> {
  const list = testFiles(dir);
  if (list.length === 0) return { passed: 0, failed: 0 };
  const tap = join(tmp, `${name}.tap`);
  const code = await run(process.execPath, [
    '--import', 'tsx',
    '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...list,
  ]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const total = (key: string) => Number(text.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
  const count = { passed: total('pass'), failed: total('fail') + total('skipped') + total('todo') + total('cancelled') };
  if (code !== 0 && count.failed === 0) count.failed = 1;
  // Each failed test (and the suites around it), for the closing summary.
  for (const [, failure] of text.matchAll(/^\s*not ok \d+ - (.*)$/gm)) notes.push(`${name} failed: ${failure}`);
  return withShortfall(name, dir, count, total('tests'));
}

/**
 * The browser suite in one browser (test/support/browser-suites.ts); the browsers run one after
 * the other. A Chromium-only file (test/support/browsers.ts) is not declared for Firefox.
 */
async function browserTests(browser: BrowserName): Promise<Count> {
  const r = await runBrowserSuite(browser);
  for (const failure of r.failures) notes.push(`browser tests (${browser}) failed: ${failure}`);
  // Counted once, by the second run; named here so that a crash that was retried is not lost.
  for (const file of r.retried) notes.push(`browser tests (${browser}): ${file} lost its browser mid-run and was run once more`);
  // Printed with the suite's output, not the closing summary: it is for whoever trims the suite.
  console.log(`\nbrowser tests (${browser}), slowest files: ${r.slowest.join(', ')}`);
  console.log(`browser tests (${browser}), slowest tests:\n  ${r.slowestTests.join('\n  ')}`);
  const count = { passed: r.passed, failed: r.code !== 0 && r.failed === 0 ? 1 : r.failed };
  return withShortfall(`browser tests (${browser})`, SUITES.browser, count, r.ran, excludedFiles(browser));
}

/** A focused test hides every other test in its file, and mocha then reports all passed. */
async function noFocusedTests(): Promise<Count> {
  const focused = focusedTests(Object.values(SUITES).flatMap(sourceFiles));
  for (const hit of focused) {
    const note = `focused test (remove the .only): ${hit}`;
    console.error(note);
    notes.push(note);
  }
  return { passed: focused.length ? 0 : 1, failed: focused.length };
}

const steps: [string, () => Promise<Count>][] = [
  ['system packages', async () => (ensureSystemDeps().length ? { passed: 0, failed: 1 } : { passed: 1, failed: 0 })],
  ['no focused tests', noFocusedTests],
  ['type check', () => check(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'])],
  ['build', () => check(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'])],
  ['node tests', () => nodeTests('node tests', SUITES.node)],
  ...BROWSER_NAMES.map((b): [string, () => Promise<Count>] => [`browser tests (${b})`, () => browserTests(b)]),
  ['end-to-end tests', () => nodeTests('end-to-end tests', SUITES.e2e)],
];

const total: Count = { passed: 0, failed: 0 };
const lines: string[] = [];
for (const [name, step] of steps) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  // A step that throws (apt-get failing, a runner that cannot start) is one failure, and the
  // closing line is still printed.
  const count = await step().catch((e: unknown): Count => {
    const note = `${name}: ${e instanceof Error ? e.message : String(e)}`;
    console.error(note);
    notes.push(note);
    return { passed: 0, failed: 1 };
  });
  total.passed += count.passed;
  total.failed += count.failed;
  lines.push(`${name.padEnd(26)} ${count.passed} passed, ${count.failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
console.log(`\n${[...lines, ...notes].join('\n')}\n`);
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed ? 1 : 0);
