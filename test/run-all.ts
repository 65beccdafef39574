/**
 * `npm test`: every suite, in order, then one line `N passed, N failed` summed over all of
 * them (.ci/run relies on it). A missing system package fails the run with a message that
 * says how to install it; nothing is skipped.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSystemDeps } from './support/system-deps.ts';

interface Count {
  passed: number;
  failed: number;
}

const tmp = mkdtempSync(join(tmpdir(), 'parley-test-'));

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('close', (code) => done(code ?? 1));
  });
}

const files = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => join(dir, f))
    : [];

/** One check that passes or fails as a whole, by exit code. */
const check = async (cmd: string, args: string[]): Promise<Count> =>
  (await run(cmd, args)) === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };

/** node:test files; counts come from a TAP copy of the report. Skipped and todo count as failed. */
async function nodeTests(name: string, dir: string): Promise<Count> {
  const list = files(dir);
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
  return count;
}

async function browserTests(): Promise<Count> {
  const file = join(tmp, 'browser.json');
  const code = await run(process.execPath, ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js', '--config', 'web-test-runner.config.mjs'], {
    PARLEY_COUNT_FILE: file,
  });
  const count: Count = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { passed: 0, failed: 0 };
  if (code !== 0 && count.failed === 0) count.failed = 1;
  return count;
}

const steps: [string, () => Promise<Count>][] = [
  ['system packages', async () => (ensureSystemDeps().length ? { passed: 0, failed: 1 } : { passed: 1, failed: 0 })],
  ['type check', () => check(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'])],
  ['build', () => check(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'])],
  ['node tests', () => nodeTests('node', 'test/node')],
  ['browser tests', browserTests],
  ['end-to-end tests', () => nodeTests('e2e', 'test/e2e')],
];

const total: Count = { passed: 0, failed: 0 };
const lines: string[] = [];
for (const [name, step] of steps) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const count = await step();
  total.passed += count.passed;
  total.failed += count.failed;
  lines.push(`${name.padEnd(18)} ${count.passed} passed, ${count.failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
console.log(`\n${lines.join('\n')}\n`);
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed ? 1 : 0);
