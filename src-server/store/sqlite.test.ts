import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeContract } from './contract';
import { loadMigrations, migrate } from './migrate';
import { DATABASE_FILE, SqliteStore } from './sqlite';

describe('SqliteStore', () => {
  storeContract(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relay-store-'));
    return {
      open: async () => new SqliteStore(dir),
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  });
});

describe('SQLite schema', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relay-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens in WAL mode at the latest schema version, and reopening changes nothing', async () => {
    await new SqliteStore(dir).close();
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
    db.close();
    await new SqliteStore(dir).close();
  });

  it('refuses a database newer than the code, and migration files out of sequence', async () => {
    const db = new Database(join(dir, DATABASE_FILE));
    db.pragma('user_version = 99');
    expect(() => migrate(db)).toThrow(/newer than this server/);
    db.close();
    const migrations = join(dir, 'migrations');
    await mkdir(migrations);
    await writeFile(join(migrations, '001_a.sql'), 'SELECT 1;');
    await writeFile(join(migrations, '003_c.sql'), 'SELECT 1;');
    expect(() => loadMigrations(migrations)).toThrow(/without gaps/);
  });
});
