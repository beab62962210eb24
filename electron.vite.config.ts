/**
 * `npm run build` (electron-vite): main → out/main/index.js (ESM, dependencies left in node_modules),
 * preload → out/preload/index.cjs (one self-contained CommonJS file: a sandboxed preload can require
 * nothing but `electron`), renderer → out/renderer from vite.renderer.config.ts, the renderer's own
 * config, so the desktop app and the browser host load the very same bundle.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import renderer from './vite.renderer.config';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      lib: { entry: resolve(root, 'src-main/index.ts') },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      lib: { entry: resolve(root, 'src-preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
      externalizeDeps: false,
    },
  },
  renderer: {
    ...renderer,
    build: {
      ...renderer.build,
      rolldownOptions: {
        ...renderer.build?.rolldownOptions,
        input: resolve(root, 'src-renderer/index.html'),
      },
    },
  },
});
