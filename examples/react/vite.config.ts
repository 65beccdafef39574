import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // The engine's workers load their transports as chunks: Vite must bundle workers as ES modules.
  worker: { format: 'es' },
  // Pre-bundling would move parley's files away from the workers they start by relative URL.
  optimizeDeps: { exclude: ['parley'] },
});
