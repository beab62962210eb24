/**
 * A suite run against a PostgreSQL cluster started for its file, one database per test through
 * `createDatabase`; without PostgreSQL on the machine it is skipped, saying why.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { type PostgresCluster, postgresUnavailable, startPostgresCluster } from '../postgres-cluster';

export function describeOnPostgres(
  title: string,
  file: string,
  body: (createDatabase: () => Promise<string>) => void,
): void {
  const unavailable = postgresUnavailable();
  if (unavailable) console.warn(`${file} skipped: ${unavailable}`);
  describe.skipIf(unavailable !== undefined)(title, () => body(clusterForSuite()));
}

/**
 * A cluster started before the suite it is called in (or the file, at the top level) and stopped after
 * it; returns `createDatabase`, a fresh database on it. Call only where PostgreSQL is available.
 */
export function clusterForSuite(): () => Promise<string> {
  let cluster: PostgresCluster | undefined;
  // initdb and a cold start take a while on a loaded machine.
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => cluster!.createDatabase();
}
