/** Picks the store: PostgreSQL when a DATABASE_URL is given, else the SQLite file in DATA_DIR. */
import type { Logger } from 'pino';
import { PostgresStore } from './postgres';
import { SqliteStore } from './sqlite';
import type { Store } from './types';

export async function openStore(
  options: { dataDir: string; databaseUrl?: string },
  logger: Logger,
): Promise<Store> {
  if (options.databaseUrl) return PostgresStore.open(options.databaseUrl, { logger });
  return new SqliteStore(options.dataDir);
}
