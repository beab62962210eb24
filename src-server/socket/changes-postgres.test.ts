/** "Messages that change" of interface.md on the PostgreSQL store (changes-suite.ts), one database per test. */
import { afterAll, beforeAll, describe } from 'vitest';
import {
  type PostgresCluster,
  postgresUnavailable,
  startPostgresCluster,
} from '../store/postgres/postgres-cluster';
import { changesSuite } from './changes-suite';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`changes-postgres.test.ts skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('messages that change on PostgreSQL', () => {
  let cluster: PostgresCluster;
  // initdb and a cold start take a while on a loaded machine.
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  changesSuite(async () => ({ databaseUrl: await cluster.createDatabase() }));
});
