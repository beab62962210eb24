/** Picks the store: PostgreSQL when a DATABASE_URL is given, else the SQLite file in DATA_DIR. */
import type { Logger } from 'pino';
import { PostgresStore } from './postgres/postgres-store';
import type { Synchronous } from './sqlite/sqlite-database';
import { SqliteStore } from './sqlite/sqlite-store';
import type { Store } from './types';

export async function openStore(
  options: {
    dataDir: string;
    databaseUrl?: string;
    /** SQLite only: 'full' (default) keeps acknowledged messages through a power cut; see Synchronous. */
    sqliteSynchronous?: Synchronous;
  },
  logger: Logger,
): Promise<Store> {
  if (options.databaseUrl) return PostgresStore.open(options.databaseUrl, { logger });
  return SqliteStore.open(options.dataDir, { logger, synchronous: options.sqliteSynchronous });
}
