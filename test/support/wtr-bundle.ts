import { fileURLToPath } from 'node:url';
import type { TestRunnerPlugin } from '@web/test-runner';
import { build } from 'esbuild';

/**
 * Serves the given modules bundled by esbuild. The dev server only rewrites bare imports and
 * cannot load CommonJS, which xmpp.js depends on (`events`, `saslmechanisms`); Vite handles
 * them in the real build. Paths are relative to the project root, like request paths.
 */
export function bundled(paths: string[]): TestRunnerPlugin {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const cache = new Map<string, Promise<string>>();
  return {
    name: 'parley-bundled',
    async serve({ path }) {
      if (!paths.includes(path)) return undefined;
      let body = cache.get(path);
      if (!body) {
        body = build({ entryPoints: [root + path.slice(1)], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false }).then(
          (out) => out.outputFiles[0]!.text,
        );
        cache.set(path, body);
      }
      return { body: await body, type: 'js' };
    },
  };
}
