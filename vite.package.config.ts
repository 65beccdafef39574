import { defineConfig, type Plugin } from 'vite';

/**
 * The npm package's modules (dist/lib/), for apps that bundle Parley themselves: the element
 * class (`element.js`, no side effect) and its definition (`index.js`). Unlike dist/parley.js
 * (vite.config.ts, for a script tag), `lit` and `comlink` stay imports, so the app's bundler
 * shares them and Node resolves lit's server build (SSR), and the output is not minified.
 * The workers are bundled whole, with their transport chunks beside them.
 */
export default defineConfig({
  base: './',
  publicDir: false,
  build: {
    target: 'es2022',
    outDir: 'dist/lib',
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    rolldownOptions: {
      input: { element: 'widget/element.ts', index: 'widget/index.ts' },
      preserveEntrySignatures: 'strict',
      external: [/^lit(\/|$)/, /^@lit\//, 'comlink'],
      output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
  worker: { format: 'es' },
  plugins: [bundlerFriendlyWorkerUrls(), ownPreloadHelper()],
});

/**
 * Vite writes a worker's URL as `new URL(new URL("assets/w.js", import.meta.url).href, "" +
 * import.meta.url)`. An app's bundler recognises only `new SharedWorker(new URL("./w.js",
 * import.meta.url), …)` and then bundles the worker with its chunks (Vite does, with
 * `worker.format: 'es'`); in the simpler form it would copy the worker file alone and lose the
 * transport chunks it imports. So write the simple form.
 */
function bundlerFriendlyWorkerUrls(): Plugin {
  return {
    name: 'parley-worker-urls',
    apply: 'build',
    renderChunk(code) {
      const simple = code.replace(
        /new URL\(\s*(?:\/\*[^*]*\*\/\s*)?new URL\(\s*["'`]([^"'`]+)["'`],\s*import\.meta\.url\s*\)\.href,\s*["'`]{2}\s*\+\s*import\.meta\.url\s*\)/g,
        (_, path: string) => `new URL(${JSON.stringify(path.startsWith('.') ? path : `../${path}`)}, import.meta.url)`,
      );
      return simple === code ? null : { code: simple, map: null };
    },
  };
}

/**
 * The element imports its message list and its languages on demand, and Vite wraps each such
 * import() in a helper it declares as `__vitePreload`. When an app's own Vite bundles these
 * modules it declares the same name again, and the build fails ("`__vitePreload` has already
 * been declared"; test/e2e/react-pack.test.ts). Our copy gets a name of its own.
 */
function ownPreloadHelper(): Plugin {
  return {
    name: 'parley-own-preload-helper',
    apply: 'build',
        // Same length as the original, so every column, and so the source map, stays as it was.
    renderChunk: (code) => (code.includes('__vitePreload') ? { code: code.replaceAll('__vitePreload', '__parleyPreld'), map: null } : null),
  };
}
