/**
 * For a socket suite run once per store (`describe.each(eachStore(file))`): SQLite, and PostgreSQL on a
 * cluster started for the file (one database per `options()`), skipped, saying why, where there is none.
 * Call it at the top of the file: it registers the cluster's beforeAll and afterAll.
 */
import type { ServerOptions } from '../../../app';
import { postgresUnavailable } from '../postgres-cluster';
import { clusterForSuite } from './describe-on-postgres';

export interface EachStore {
  store: string;
  skip: boolean;
  options: () => Promise<Partial<ServerOptions>>;
}

export function eachStore(file: string): EachStore[] {
  const unavailable = postgresUnavailable();
  if (unavailable) console.warn(`${file}: the PostgreSQL cases are skipped: ${unavailable}`);
  const createDatabase = unavailable ? undefined : clusterForSuite();
  return [
    { store: 'SQLite', skip: false, options: async () => ({}) },
    {
      store: 'PostgreSQL',
      skip: createDatabase === undefined,
      options: async () => ({ databaseUrl: await createDatabase!() }),
    },
  ];
}
