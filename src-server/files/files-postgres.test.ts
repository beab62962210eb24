/** The Files section of interface.md on the PostgreSQL store (suite.ts), one database per test. */
import { describeOnPostgres } from '../store/postgres/testing/describe-on-postgres';
import { filesSuite } from './suite';

describeOnPostgres('files on PostgreSQL', 'files-postgres.test.ts', (createDatabase) =>
  filesSuite(async () => ({ databaseUrl: await createDatabase() })),
);
