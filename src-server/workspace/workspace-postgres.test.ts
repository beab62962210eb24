/** The Workspace section of interface.md on the PostgreSQL store (suite.ts), one database per test. */
import { afterAll, beforeAll, describe } from 'vitest';
import {
  type PostgresCluster,
  postgresUnavailable,
  startPostgresCluster,
} from '../store/postgres/postgres-cluster';
import { workspaceSuite } from './suite';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`workspace-postgres.test.ts skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('workspace on PostgreSQL', () => {
  let cluster: PostgresCluster;
  // initdb and a cold start take a while on a loaded machine.
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  workspaceSuite(async () => ({ databaseUrl: await cluster.createDatabase() }));
});
