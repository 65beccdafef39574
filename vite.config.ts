import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build as esbuild } from 'esbuild';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { mqttLiteAlias } from './worker/transports/mqtt/lite/aliases.ts';
import { litTemplateMinifier } from './build/minify-templates.ts';
import { chrome92SyntaxFloor } from './build/syntax-floor.ts';

/**
 * comlink, which parley.js and the engine's workers both use, is one file that both import,
 * so a visitor downloads it once (1.3 kB gzip; the worker's request is answered from the HTTP
 * cache). The workers are built in a pipeline of their own before the page's chunks have
 * hashes, so the file has a fixed name, with comlink's version in it for caching.
 */
const SHARED_COMLINK = `assets/comlink-${(JSON.parse(readFileSync('node_modules/comlink/package.json', 'utf8')) as { version: string }).version}.js`;

/**
 * Two entries: the demo page (index.html) and `parley.js`, the ES module that defines
 * <parley-chat> for sites and apps. The engine is a module SharedWorker; its transports are
 * chunks it imports lazily, which needs `worker.format: 'es'` (docs/platform.md, "Build").
 */
export default defineConfig({
  // Every URL the build writes is relative to the file that holds it (the worker to
  // parley.js, chunks to the worker, assets to index.html), so dist/ works under any path.
  base: './',
  // The embedding demos (demo/public/embed/), copied as they are: they load dist's files by
  // the URLs a site would write, which Vite must not rewrite.
  publicDir: 'demo/public',
  build: {
    // The oldest browsers with every API the widget needs (README, "Browsers"): module
    // SharedWorker (Chrome 80, Firefox 114, Safari 16), crypto.randomUUID (Chrome 92),
    // constructed stylesheets (Safari 16.4); newer syntax is lowered to these. Chrome is named
    // as 98, not 92: below 98 every class field and private member is lowered into helpers
    // (2.8 kB gzip) for a V8 bug our output does not meet; build/syntax-floor.ts fails the
    // build if the output ever holds syntax Chrome 92 cannot run, so Chrome 92 still works.
    target: ['chrome98', 'firefox114', 'safari16.4'],
    sourcemap: true,
    rolldownOptions: {
      input: {
        demo: 'index.html',
        parley: 'widget/index.ts',
        bridge: 'widget/loader/bridge.ts',
        // comlink as a file of its own that the engine's workers import too (sharedComlink()).
        comlink: 'comlink',
        // The React example as a demo page (dist/examples/react/), on this build's own files.
        react: 'examples/react/index.html',
      },
      // An app build drops entry exports by default; parley.js is a library (the loader and
      // frameworks import its exports).
      preserveEntrySignatures: 'allow-extension',
      output: {
        // A stable name, so that a site can link to it; everything else is content-hashed.
        entryFileNames: (chunk) =>
          ['parley', 'bridge'].includes(chunk.name) ? '[name].js' : chunk.name === 'comlink' ? SHARED_COMLINK : 'assets/[name]-[hash].js',
        // A shared chunk is named after one of its modules; Lit's core would be "if-defined".
        chunkFileNames: (chunk) => (chunk.moduleIds.some((id) => id.replace(/\\/g, '/').endsWith('/lit-html/lit-html.js')) ? 'assets/lit-[hash].js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  worker: {
    format: 'es',
    // The transports are the workers' chunks, built by this pipeline, not the page's.
    plugins: () => [mqttLite(), chrome92SyntaxFloor()],
    rolldownOptions: {
      external: ['comlink'],
      output: { paths: { comlink: `./${SHARED_COMLINK.slice('assets/'.length)}` } },
    },
  },
  // examples/react imports the package by name; in the demo it is these sources.
  resolve: { alias: [{ find: /^parley\/define$/, replacement: '/widget/index.ts' }, { find: /^parley$/, replacement: '/widget/element.ts' }] },
  plugins: [mqttLite(), litTemplateMinifier(), react(), scriptTagLoader(), gzipReport(), chrome92SyntaxFloor()],
});

/**
 * The MQTT chunk builds mqtt.js's client from its modules, with the Node-only ones it would
 * reach mapped onto small stand-ins (worker/transports/mqtt/lite/aliases.ts, shared with the
 * browser tests' bundler).
 */
function mqttLite(): Plugin {
  return {
    name: 'parley-mqtt-lite',
    enforce: 'pre',
    resolveId(source, importer) {
      return mqttLiteAlias(source, importer) ?? null;
    },
  };
}

/**
 * dist/loader.js, the script-tag loader: a classic script (an IIFE, so it runs from a plain
 * `<script async>` and sees `document.currentScript`), built apart from the ES modules because
 * it must stay under 3 kB gzip and import nothing (docs/embedding.md). Also bridge.html.
 */
function scriptTagLoader(): Plugin {
  let outDir = 'dist';
  return {
    name: 'parley-loader',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    generateBundle() {
      // The cross-origin bridge's page, beside bridge.js (widget/loader/bridge.ts).
      this.emitFile({ type: 'asset', fileName: 'bridge.html', source: readFileSync('widget/loader/bridge.html', 'utf8') });
    },
    async writeBundle() {
      await esbuild({
        entryPoints: ['widget/loader/loader.ts'],
        outfile: join(outDir, 'loader.js'),
        bundle: true,
        minify: true,
        format: 'iife',
        target: 'es2020',
        sourcemap: true,
        logLevel: 'warning',
      });
    },
  };
}

/**
 * Vite reports the page's chunks but not the worker's; this lists every file in dist/ with
 * its gzip size, so a transport that grows shows up in every build.
 */
function gzipReport(): Plugin {
  let outDir = 'dist';
  return {
    name: 'parley-gzip-report',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const rows: [string, number, number][] = [];
      const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) walk(path);
          else if (!name.endsWith('.map')) {
            const body = readFileSync(path);
            rows.push([relative(outDir, path), body.length, gzipSync(body, { level: 9 }).length]);
          }
        }
      };
      walk(outDir);
      const kb = (n: number) => `${(n / 1024).toFixed(2)} kB`.padStart(10);
      console.log('\nfile sizes (raw, gzip -9):');
      for (const [file, raw, gz] of rows.sort((a, b) => a[0].localeCompare(b[0])))
        console.log(`  ${file.padEnd(44)} ${kb(raw)} ${kb(gz)}`);
    },
  };
}
