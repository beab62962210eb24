/** The Workspace section of interface.md on the PostgreSQL store (suite.ts), one database per test. */
import { describeOnPostgres } from '../store/postgres/postgres-cluster';
import { workspaceSuite } from './suite';

describeOnPostgres('workspace on PostgreSQL', (database) =>
  workspaceSuite(async () => ({ databaseUrl: await database() })),
);
