/**
 * Numbered migrations: `migrations/NNN_name.sql`, applied in order, each in its own transaction, with the
 * number of the last one applied kept in SQLite's `user_version`. Applied files are never edited: a
 * change to the schema is a new file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE_PATTERN = /^(\d{3})_[a-z0-9_]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .map((name) => ({ name, match: FILE_PATTERN.exec(name) }))
    .filter((entry) => entry.match !== null)
    .map(({ name, match }) => ({
      version: Number(match![1]),
      name,
      sql: readFileSync(`${dir}/${name}`, 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migrations must be numbered 001, 002, ... without gaps; found ${migration.name}`);
    }
  });
  return migrations;
}

/** Applies every migration newer than the database; returns the versions applied. */
export function migrate(db: Database.Database, migrations = loadMigrations()): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(`The database is at schema version ${current}, newer than this server (${latest})`);
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      })();
    } catch (err) {
      throw migrationFailed(migration, err);
    }
    applied.push(migration.version);
  }
  return applied;
}

/**
 * Names the file that failed. user_version keeps only a number, so a database migrated by a branch
 * whose NNN was renumbered at merge (workspace's 002 became 003) fails here, rolled back and named.
 */
export function migrationFailed(migration: Migration, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  return new Error(`Migration ${migration.name} failed: ${reason}`, { cause: err });
}
