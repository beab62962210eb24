/**
 * For a socket suite run once per store (`describe.each(eachStore(file))`): SQLite, and PostgreSQL on a
 * cluster started for the file (one database per `options()`), skipped, saying why, where there is none.
 * Call it at the top of the file: it registers the cluster's beforeAll and afterAll.
 */
import { afterAll, beforeAll } from 'vitest';
import type { ServerOptions } from '../../../app';
import { type PostgresCluster, postgresUnavailable, startPostgresCluster } from '../postgres-cluster';

export interface EachStore {
  store: string;
  skip: boolean;
  options: () => Promise<Partial<ServerOptions>>;
}

export function eachStore(file: string): EachStore[] {
  const unavailable = postgresUnavailable();
  if (unavailable) console.warn(`${file}: the PostgreSQL cases are skipped: ${unavailable}`);
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    if (!unavailable) cluster = await startPostgresCluster();
  });
  afterAll(() => cluster?.stop());
  return [
    { store: 'SQLite', skip: false, options: async () => ({}) },
    {
      store: 'PostgreSQL',
      skip: unavailable !== undefined,
      options: async () => ({ databaseUrl: await cluster!.createDatabase() }),
    },
  ];
}
