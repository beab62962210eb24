/**
 * The browser host as the e2e suite starts it: src-main/web's runWebHost, exactly what `npm run web`
 * runs, with the same flags (--port, --server, --user-data) and the same "open URL" line, but serving
 * the renderer from E2E_RENDERER_DIR: the copy scripts/e2e.mjs made for this run. out/renderer is
 * emptied by every `vite build` on this checkout (others' `npm run web`, `npm run build`), which would
 * pull the page from under a running test.
 */
import { join } from 'node:path';
import { runWebHost } from '../../src-main/web/run';
import { APP_ROOT } from './target';

const rendererDir = process.env.E2E_RENDERER_DIR ?? join(APP_ROOT, 'out', 'renderer');

runWebHost({ argv: process.argv.slice(2), rendererDir }).then(
  (running) => {
    console.log(`Relay browser host: open ${running.host.url}`);
    const stop = () => void running.close().finally(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (error: unknown) => {
    console.error(`Relay browser host could not start: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
