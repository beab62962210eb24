import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./src-renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./out/renderer', import.meta.url));

/**
 * The renderer alone: the same bundle is loaded by the Electron window (file://, hence the relative
 * `base`) and served by the browser host. The page runs under `script-src 'self'; style-src 'self'`,
 * so the build must not rely on inline scripts or injected <style> tags: CSS is emitted as files.
 */
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    // The modulepreload polyfill is bundled into the entry (no inline script); keep CSS in files.
    cssCodeSplit: false,
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});
