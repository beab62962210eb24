/**
 * The running server's side of workspace changes: `notify` applies a change to this instance's sockets
 * and passes it to every other instance; changes from elsewhere (other instances, `npm run admin`) are
 * applied as they arrive. Which transports, and why: bus.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WorkspaceChange } from '../../src-shared/protocol';
import { type ApplyDeps, applyChange } from './apply';
import { type Envelope, listenLocal, postgresTransport, redisTransport, type Transport } from './bus';

export interface LiveOptions {
  dataDir: string;
  redisUrl?: string;
  databaseUrl?: string;
}

export interface WorkspaceLive {
  /** Resolves once this instance's sockets have it and it is on its way to the others. */
  notify(change: WorkspaceChange): Promise<void>;
  close(): Promise<void>;
}

export async function startWorkspaceLive(
  deps: ApplyDeps,
  options: LiveOptions,
  logger: Logger,
): Promise<WorkspaceLive> {
  const origin = randomUUID();
  const transports: Transport[] = [];
  let shared: Transport | undefined;
  const apply = (change: WorkspaceChange) => applyChange(deps, change);
  const fromOthers = async ({ origin: from, change }: Envelope) => {
    if (from !== origin) await apply(change);
  };
  try {
    // Instances share Redis when there is one: the adapter's rooms and these changes travel together.
    if (options.redisUrl) {
      shared = await redisTransport(options.redisUrl, logger, fromOthers);
      transports.push(shared);
    }
    // Every instance on PostgreSQL also listens there: `npm run admin` with DATABASE_URL alone reaches it.
    if (options.databaseUrl) {
      const postgres = await postgresTransport(options.databaseUrl, logger, fromOthers);
      transports.push(postgres);
      shared ??= postgres;
    } else {
      // SQLite: the admin command on this machine tells this process; with Redis, it passes it on.
      const local = await listenLocal(options.dataDir, logger, async ({ change }) => {
        await apply(change);
        await shared?.publish({ origin, change });
      });
      transports.push(local);
    }
  } catch (err) {
    for (const transport of transports) await transport.close();
    throw err;
  }
  let closed = false;
  return {
    async notify(change) {
      await apply(change);
      // Once closing, this instance has no sockets left and the others are told by their own means.
      if (!closed) await shared?.publish({ origin, change });
    },
    async close() {
      closed = true;
      for (const transport of transports) await transport.close();
    },
  };
}
