/** Entry of `npm run web` (scripts/web.mjs builds the renderer, then runs this). */
import { join } from 'node:path';
import { runWebHost } from './run';

const rendererDir = join(process.cwd(), 'out', 'renderer');

// The first line names the address to open (with its one-time token); scripts and the e2e fixture
// read it. Each later line is a fresh address for one more browser, printed once the last was used.
runWebHost({
  argv: process.argv.slice(2),
  rendererDir,
  onNewAddress: (url) => console.log(`Relay browser host: for another browser, open ${url}`),
}).then(
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
