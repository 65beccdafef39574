import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  // <parley-chat> is a custom element, not a Vue component.
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'parley-chat' } } })],
  // The engine's workers load their transports as chunks; see examples/react/vite.config.ts.
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['parley'] },
});
