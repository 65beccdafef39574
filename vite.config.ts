import { defineConfig } from 'vite';

/**
 * The demo page and the widget. The engine is a module SharedWorker; its transports are
 * chunks it imports lazily, which needs `worker.format: 'es'` (PLATFORM-NOTES.md, "Vite").
 */
export default defineConfig({
  build: {
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: true,
  },
  worker: {
    format: 'es',
  },
});
