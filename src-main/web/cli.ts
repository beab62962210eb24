/** Entry of `npm run web` (scripts/web.mjs builds the renderer, then runs this). */
import { join } from 'node:path';
import { runWebHost } from './run';

const rendererDir = join(process.cwd(), 'out', 'renderer');

runWebHost({ argv: process.argv.slice(2), rendererDir }).then(
  (running) => {
    console.log(
      `Relay browser host: open ${running.host.url}  (server ${running.serverUrl}, data ${running.userData})`,
    );
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      running.close().finally(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  },
  (error: NodeJS.ErrnoException) => {
    const reason =
      error.code === 'EADDRINUSE'
        ? `port ${(error as { port?: number }).port ?? ''} is already in use (pass --port)`
        : error.message || String(error);
    console.error(`Relay browser host could not start: ${reason}`);
    process.exit(1);
  },
);
