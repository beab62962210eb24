/** "Messages that change" of interface.md on the PostgreSQL store (changes-suite.ts), one database per test. */
import { describeOnPostgres } from '../store/postgres/testing/describe-on-postgres';
import { changesSuite } from './changes-suite';

describeOnPostgres('messages that change on PostgreSQL', 'changes-postgres.test.ts', (createDatabase) =>
  changesSuite(async () => ({ databaseUrl: await createDatabase() })),
);
