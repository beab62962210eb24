import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_SECRET_FILE } from './auth/secret';
import { DATABASE_FILE } from './store/sqlite/sqlite-database';
import { login, makeTempDir, startTestServer } from './testing';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('DATA_DIR is private (issue 11: relay.sqlite was 0644)', () => {
  it('creates the folder 0700 and the database, its WAL files and the JWT secret 0600', async () => {
    const parent = await makeTempDir();
    const dataDir = join(parent, 'data');
    const server = await startTestServer({ dataDir });
    try {
      await login(server.url, 'alice'); // some reads and writes, so the WAL files exist
      expect(mode(dataDir)).toBe(0o700);
      for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, DEMO_SECRET_FILE]) {
        expect(mode(join(dataDir, file)).toString(8), file).toBe('600');
      }
    } finally {
      await server.close();
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('tightens a folder and database an older version left readable', async () => {
    const dataDir = await makeTempDir();
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, DATABASE_FILE), '');
    chmodSync(join(dataDir, DATABASE_FILE), 0o644);
    const server = await startTestServer({ dataDir });
    try {
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, DATABASE_FILE))).toBe(0o600);
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
