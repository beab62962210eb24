/**
 * `npm run server`: the reference server from the command line. Configuration errors are one line on
 * stderr and exit 1; SIGTERM / SIGINT shut down gracefully and exit 0.
 */
import { startServer } from './app';
import { parseConfig, usage } from './config';
import { ConfigError } from './errors';
import { createLogger } from './logger';

async function main(): Promise<void> {
  const { options, help } = parseConfig(process.argv.slice(2), process.env);
  if (help) {
    console.log(usage());
    return;
  }
  const logger = createLogger(options.logLevel);
  const server = await startServer({ ...options, logger });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`relay-server: ${err.message}`);
  } else if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    console.error(`relay-server: the port is already in use (${(err as Error).message})`);
  } else {
    console.error('relay-server: failed to start:', err);
  }
  process.exit(1);
});
