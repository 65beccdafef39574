/**
 * Builds the `parley` command (package.json `bin`) into dist-cli/: ES modules for Node with
 * the engine's transports bundled in and the npm dependencies (ws, mqtt, xmpp.js) left as
 * imports, since they are the package's own dependencies. Run: `npm run build:cli`. It writes
 * outside dist/, which `vite build` empties.
 *
 * Each transport stays a chunk of its own (`splitting`), loaded on first use as in the engine
 * (worker/transports/load.ts). That is needed, not only thrifty: mqtt.js's browser build reads
 * `navigator` as it loads, so it must load after cli/doctor/tap.ts installed one; in a single
 * file, esbuild would hoist its import to the top.
 */
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

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
  packages: 'external',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
console.log(`wrote ${outfile}`);
