import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('./src-renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./out/renderer', import.meta.url));

/**
 * Debian's Chromium (156) draws Noto Color Emoji from @fontsource's WOFF2 files blank, while the very
 * same font as WOFF (or TTF) draws in colour; its stylesheet offers WOFF2 first, so the WOFF is never
 * tried. Keep only the WOFF sources (e2e look.spec checks the emoji come out in colour).
 */
function emojiFontAsWoff(): Plugin {
  return {
    name: 'relay:emoji-font-as-woff',
    enforce: 'pre',
    transform(code, id) {
      if (!/@fontsource[\\/]noto-color-emoji[\\/].*\.css/.test(id)) return null;
      return code.replace(/url\([^)]*\.woff2\) format\('woff2'\),\s*/g, '');
    },
  };
}

/**
 * The renderer alone: the same bundle is loaded by the Electron window (file://, hence the relative
 * `base`) and served by the browser host. The page runs under `script-src 'self'; style-src 'self'`,
 * so the build must not rely on inline scripts or injected <style> tags: CSS is emitted as files.
 */
export default defineConfig({
  root,
  base: './',
  plugins: [react(), emojiFontAsWoff()],
  build: {
    outDir,
    emptyOutDir: true,
    // The modulepreload polyfill is bundled into the entry (no inline script); keep CSS in files.
    cssCodeSplit: false,
    assetsInlineLimit: 0,
    sourcemap: true,
    // Everything the entry imports statically in one file (the entry's: `index-*.js`), not the entry and
    // four small chunks it shares with the lazy ones: a cold start asks for one script, not five. Over
    // HTTP/1.1 (the browser host) Chromium opens at most six connections to a host, and the seventh
    // file of the start waited for another's response (BENCHMARKS.md, paint22). The lazy chunks import
    // what they share from the entry's file.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'start', tags: ['$initial'], priority: 10 }],
        },
      },
    },
  },
});
