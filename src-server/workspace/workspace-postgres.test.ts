/** The Workspace section of interface.md on the PostgreSQL store (suite.ts), one database per test. */
import { describeOnPostgres } from '../store/postgres/testing/describe-on-postgres';
import { workspaceSuite } from './suite';

describeOnPostgres('workspace on PostgreSQL', 'workspace-postgres.test.ts', (createDatabase) =>
  workspaceSuite(async () => ({ databaseUrl: await createDatabase() })),
);
