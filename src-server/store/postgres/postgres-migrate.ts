/**
 * Numbered migrations for PostgreSQL: `migrations-pg/NNN_name.sql`, named and numbered like the SQLite
 * ones (and, like them, never edited once applied), recorded in `schema_migrations`. Everything pending
 * is applied in one transaction under an advisory lock, so instances that start together take turns:
 * the first migrates, the others then find nothing left to do. DDL is transactional in PostgreSQL, so a
 * failing migration leaves the schema as it was.
 */
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { loadMigrations, type Migration, migrationFailed } from '../migrate';
import { withTransaction } from './pool';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations-pg/', import.meta.url));
/** Any constant would do; this one is "relay" in ASCII, recognisable in pg_locks. */
const MIGRATION_LOCK = 0x72656c6179;

export function loadPostgresMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return loadMigrations(dir);
}

/** The version the database is at: 0 before the first migration. */
export async function schemaVersion(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ version: number }>(
    `SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations`,
  );
  return rows[0]!.version;
}

/** Applies every migration newer than the database; returns the versions applied. */
export async function migratePostgres(
  pool: pg.Pool,
  migrations = loadPostgresMigrations(),
): Promise<number[]> {
  const applied = await withTransaction(pool, async (client) => {
    // Held until COMMIT: a second instance waits here, then sees the schema the first one made.
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const current = await schemaVersion(client);
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new Error(`The database is at schema version ${current}, newer than this server (${latest})`);
    }
    await refuseOtherHistory(client, migrations);
    const done: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await client.query(migration.sql).catch((err: unknown) => {
        throw migrationFailed(migration, err);
      });
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    }
    return done;
  });
  return applied ?? [];
}

/**
 * A version recorded under another file name was applied from another history (a branch whose NNN was
 * renumbered at merge): the files after it would not fit that schema, so nothing is applied.
 */
async function refuseOtherHistory(client: pg.ClientBase, migrations: Migration[]): Promise<void> {
  const { rows } = await client.query<{ version: number; name: string }>(
    'SELECT version, name FROM schema_migrations ORDER BY version',
  );
  const names = new Map(migrations.map((m) => [m.version, m.name]));
  const other = rows.find((row) => names.get(row.version) !== row.name);
  if (other) {
    throw new Error(
      `The database's migration ${other.version} is ${other.name}, but this server's is ` +
        `${names.get(other.version)}: it was migrated by another history; recreate it or migrate it by hand`,
    );
  }
}
