/** The Files section of interface.md on the PostgreSQL store (suite.ts), one database per test. */
import { describeOnPostgres } from '../store/postgres/postgres-cluster';
import { filesSuite } from './suite';

describeOnPostgres('files on PostgreSQL', (database) =>
  filesSuite(async () => ({ databaseUrl: await database() })),
);
