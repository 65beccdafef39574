/**
 * Builds the `parley` command (package.json `bin`) into dist-cli/: ES modules for Node with
 * the engine's transports and their libraries (ws, mqtt.js, xmpp.js) bundled in, since the
 * package's only runtime dependencies are lit and comlink (docs/embedding.md). ws's optional
 * native helpers stay out: it works without them. Run: `npm run build:cli`. It writes outside
 * dist/, which `vite build` empties.
 *
 * Each transport stays a chunk of its own (`splitting`), loaded on first use as in the engine
 * (worker/transports/load.ts), so that it loads after cli/doctor/tap.ts installed the browser
 * globals it expects; in a single file, esbuild would hoist its import to the top. The MQTT
 * client's modules are mapped as in the widget's build (worker/transports/mqtt/lite/aliases.ts),
 * so the doctor runs the code that ships.
 */
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';
import { mqttLiteAlias } from '../worker/transports/mqtt/lite/aliases.ts';

const outdir = 'dist-cli';
const outfile = `${outdir}/parley.js`;

await build({
  entryPoints: ['cli/parley.ts'],
  outdir,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['bufferutil', 'utf-8-validate'],
  // CommonJS inside an ES module bundle (xmpp.js, ws) needs a require() to reach Node's builtins.
  banner: { js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [
    {
      name: 'parley-mqtt-lite',
      setup(b) {
        b.onResolve({ filter: /.*/ }, ({ path, importer }) => {
          const target = mqttLiteAlias(path, importer);
          return target ? { path: target } : undefined;
        });
      },
    },
  ],
});
chmodSync(outfile, 0o755);
console.log(`wrote ${outfile}`);
