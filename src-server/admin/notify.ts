/**
 * Tells running servers about a change the admin command stored (see workspace/bus.ts): through Redis
 * with REDIS_URL, else PostgreSQL NOTIFY with DATABASE_URL, else the local socket of the SQLite server in
 * DATA_DIR. Each instance then applies it to its own sockets. Exactly one transport is used, so no
 * instance applies a change twice.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WorkspaceChange } from '../../src-shared/protocol';
import { postgresTransport, redisTransport, sendLocal } from '../workspace/bus';

export interface NotifySettings {
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
}

export async function notifyServers(
  settings: NotifySettings,
  changes: WorkspaceChange[],
  logger: Logger,
): Promise<void> {
  if (changes.length === 0) return;
  const origin = `admin-${randomUUID()}`;
  if (!settings.redisUrl && !settings.databaseUrl) {
    for (const change of changes) await sendLocal(settings.dataDir, { origin, change });
    return;
  }
  const transport = settings.redisUrl
    ? await redisTransport(settings.redisUrl, logger)
    : await postgresTransport(settings.databaseUrl!, logger);
  try {
    for (const change of changes) await transport.publish({ origin, change });
  } finally {
    await transport.close();
  }
}
