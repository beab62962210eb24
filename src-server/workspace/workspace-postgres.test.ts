/** The Workspace section of interface.md on the PostgreSQL store (suite.ts), one database per test. */
import { afterAll, beforeAll, describe } from 'vitest';
import { type PostgresCluster, postgresUnavailable, startPostgresCluster } from '../store/postgres-cluster';
import { workspaceSuite } from './suite';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`workspace-postgres.test.ts skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('workspace on PostgreSQL', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  workspaceSuite(async () => ({ databaseUrl: await cluster.createDatabase() }));
});
