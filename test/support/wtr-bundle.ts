import { fileURLToPath } from 'node:url';
import type { TestRunnerPlugin } from '@web/test-runner';
import { build, type Plugin } from 'esbuild';
import { mqttLiteAlias } from '../../worker/transports/mqtt/lite/aliases.ts';

/**
 * Serves the given modules bundled by esbuild. The dev server only rewrites bare imports and
 * cannot load CommonJS, which xmpp.js depends on (`events`, `saslmechanisms`), and mqtt.js's
 * client too; Vite handles them in the real build. The MQTT client's modules are mapped as
 * Vite maps them (worker/transports/mqtt/lite/aliases.ts). Paths are relative to the project
 * root, like request paths.
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
        body = build({ entryPoints: [root + path.slice(1)], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, plugins: [mqttLite] }).then(
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
