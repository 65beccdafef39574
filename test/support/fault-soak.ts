/**
 * `npm run test:soak`: the fault matrix at the sizes issue 12 asks for (PARLEY_SOAK=1, see
 * test/support/fault-scale.ts): 500-message bursts, the network down 60 s, 20 reloads in 300
 * sends, 500 flaps, a tab hidden 10 minutes, bad credentials left a minute, and the 1 000-client
 * stampede. `npm test` runs the same files at short sizes. Chromium only by default (the slow
 * scenarios are Chromium's); PARLEY_BROWSER=firefox runs the browser part in Firefox instead.
 * Prints every table at the end; each is also in test-results/.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBrowserSuite } from './browser-suites.ts';
import { isBrowserName } from './browsers.ts';

process.env.PARLEY_SOAK = '1';
const browser = process.env.PARLEY_BROWSER || 'chromium';
if (!isBrowserName(browser)) throw new Error(`PARLEY_BROWSER is "${browser}"; it must be chromium or firefox`);

const node = (files: string[]) =>
  new Promise<number>((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
    child.on('close', (code) => done(code ?? 1));
  });

const started = Date.now();
const results: string[] = [];
const b = await runBrowserSuite(browser, ['--files', 'test/browser/fault-matrix*.test.ts', ...process.argv.slice(2)]);
results.push(`browser (${browser}): ${b.passed} passed, ${b.failed} failed, ${(b.ms / 1000).toFixed(0)} s`);
const e2e = readdirSync('test/e2e').filter((f) => f.startsWith('fault-') && f.endsWith('.test.ts')).map((f) => join('test/e2e', f));
results.push(`end-to-end: exit ${await node(e2e)}`);
results.push(`stampede: exit ${await node(['test/node/stampede.test.ts'])}`);

console.log('\n=== soak tables ===');
for (const file of readdirSync('test-results').filter((f) => f.startsWith('fault-') && f.endsWith('.md')).sort())
  if (existsSync(join('test-results', file))) console.log(`\n(${file})\n${readFileSync(join('test-results', file), 'utf8')}`);
console.log(`\n${results.join('\n')}\nsoak took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
process.exit(b.code !== 0 || b.failed > 0 || results.some((r) => /exit [1-9]/.test(r)) ? 1 : 0);
