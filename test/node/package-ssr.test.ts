import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, it } from 'node:test';

/**
 * The package's modules imported on a server (SSR), in a fresh Node process: no `window` is
 * read and no element is defined. Builds the package's modules first (dist/lib/, as
 * `npm run build:package` does).
 */
const probe = `
let windowRead = false;
Object.defineProperty(globalThis, 'window', { configurable: true, get() { windowRead = true; return undefined; } });
const element = await import('./dist/lib/element.js');
const define = await import('./dist/lib/index.js');
console.log(JSON.stringify({
  element: Object.keys(element).sort(),
  define: Object.keys(define).sort(),
  windowRead,
  defined: globalThis.customElements?.get('parley-chat') !== undefined,
}));
`;

describe('package on a server', () => {
  before(() => {
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '-c', 'vite.package.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  });

  it('imports without a window and defines nothing', () => {
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' })) as Record<string, unknown>;
    assert.deepEqual(out, {
      element: ['EngineStartError', 'ParleyChat', 'engineClient'],
      define: ['EngineStartError', 'ParleyChat', 'engineClient'],
      windowRead: false,
      defined: false,
    });
  });
});
