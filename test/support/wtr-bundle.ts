import { fileURLToPath } from 'node:url';
import type { TestRunnerPlugin } from '@web/test-runner';
import { build, type Plugin } from 'esbuild';
import { mqttLiteAlias } from '../../worker/transports/mqtt/lite/aliases.ts';

/**
 * Serves modules bundled by esbuild: `entries` maps a request path to the module bundled for it
 * (paths relative to the project root, like request paths). Two reasons:
 * - The dev server only rewrites bare imports and cannot load CommonJS, which xmpp.js depends
 *   on (`events`, `saslmechanisms`), and mqtt.js's client too; Vite handles them in the real
 *   build. The MQTT client's modules are mapped as Vite maps them
 *   (worker/transports/mqtt/lite/aliases.ts).
 * - Speed: test/browser/fixtures/tab.html loads the widget as one file instead of its 85
 *   modules. Tests open hundreds of those tabs, and Firefox took most of a second to load
 *   each one module by module. Served from widget/engine-client/, so that the URLs the widget
 *   makes from `import.meta.url` (the engine worker's) are those of the unbundled modules there.
 *   Dynamic imports are inlined (no code splitting): the lazy chunks of the real build are
 *   tested on the built files, in test/e2e.
 */
export function bundled(entries: Record<string, string>): TestRunnerPlugin {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const cache = new Map<string, Promise<string>>();
  return {
    name: 'parley-bundled',
    async serve({ path }) {
      const entry = entries[path];
      if (!entry) return undefined;
      let body = cache.get(path);
      if (!body) {
        body = build({ entryPoints: [root + entry.slice(1)], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, plugins: [mqttLite] }).then(
          (out) => out.outputFiles[0]!.text,
        );
        cache.set(path, body);
      }
      return { body: await body, type: 'js' };
    },
  };
}

/** The same mapping as vite.config.ts's `mqttLite`. */
const mqttLite: Plugin = {
  name: 'parley-mqtt-lite',
  setup(build) {
    build.onResolve({ filter: /.*/ }, ({ path, importer }) => {
      const target = mqttLiteAlias(path, importer);
      return target ? { path: target } : undefined;
    });
  },
};
