/**
 * The PostgreSQL store against a real cluster started for this file (see postgres-cluster.ts): the shared
 * store contract, then what is PostgreSQL's own (migrations, DATABASE_URL handling).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ConfigError } from '../../errors';
import { createLogger } from '../../logger';
import { STORE_BUSY_RETRY_AFTER_MS } from '../busy';
import { changesContract } from '../changes-contract';
import { storeContract } from '../contract';
import { seedDemo } from '../demo';
import { filesContract } from '../files-contract';
import type { FileRecord } from '../types';
import { workspaceContract } from '../workspace-contract';
import { type PostgresCluster, postgresUnavailable, startPostgresCluster } from './postgres-cluster';
import { lockFiles } from './postgres-files';
import { loadPostgresMigrations, migratePostgres } from './postgres-migrate';
import { PostgresStore } from './postgres-store';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`postgres.test.ts skipped: ${unavailable}`);

const logger = createLogger('silent');

describe.skipIf(unavailable !== undefined)('PostgresStore', () => {
  let cluster: PostgresCluster;
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    cluster = await startPostgresCluster();
  });
  afterAll(async () => {
    for (const pool of pools) await pool.end();
    await cluster?.stop();
  });

  function poolOn(url: string): pg.Pool {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pools.push(pool);
    return pool;
  }

  const fixture = async () => {
    const url = await cluster.createDatabase();
    return { open: () => PostgresStore.open(url, { logger, poolSize: 4 }), dispose: async () => {} };
  };
  describe('contract', () => storeContract(fixture));
  describe('workspace', () => workspaceContract(fixture));
  describe('files', () => filesContract(fixture));
  describe('messages that change', () => changesContract(fixture));

  it('keeps seq and replays right on a database whose default isolation is serializable', async () => {
    const url = await cluster.createDatabase();
    await poolOn(url).query(
      `ALTER DATABASE ${new URL(url).pathname.slice(1)} SET default_transaction_isolation = 'serializable'`,
    );
    const [a, b] = await Promise.all([0, 1].map(() => PostgresStore.open(url, { logger, poolSize: 4 })));
    try {
      await seedDemo(a!);
      const alice = (await a!.findUserByUsername('alice'))!;
      const general = await a!.ensureChannel('general');
      const clientMessageId = randomUUID();
      const send = (store: PostgresStore, i: number) =>
        store.insertMessage({
          id: randomUUID(),
          channelId: general.id,
          userId: alice.id,
          content: 'x',
          createdAt: new Date().toISOString(),
          ...(i % 3 === 0 ? { clientMessageId } : {}),
        });
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => send(i % 2 ? a! : b!, i)));
      // 8 plain sends and one of the 4 copies are stored, with seqs 1..9; every copy is that one.
      const stored = results.filter((r) => r.created).map((r) => r.message.seq);
      expect(stored.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const copies = results.filter((r) => r.message.clientMessageId === clientMessageId);
      expect(new Set(copies.map((r) => r.message.id)).size).toBe(1);
      expect(copies).toHaveLength(4);
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  it('refuses RATE_LIMITED with retryAfterMs past maxWaiting requests, serves the ones it took, and recovers', async () => {
    const url = await cluster.createDatabase();
    const store = await PostgresStore.open(url, { logger, poolSize: 1, maxWaiting: 8 });
    try {
      await seedDemo(store);
      const alice = (await store.findUserByUsername('alice'))!;
      // One connection and eight places to wait: of 100 at once, a few are served (a listing may take
      // more than one query, each waiting its turn) and the rest are refused at once instead of queuing
      // (a flood of them would grow without bound).
      const answers = await Promise.allSettled(
        Array.from({ length: 100 }, () => store.listChannels(alice.id)),
      );
      const served = answers.filter((a) => a.status === 'fulfilled');
      const refused = answers.flatMap((a) => (a.status === 'rejected' ? [a.reason] : []));
      expect(served.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThanOrEqual(100 - 9);
      for (const reason of refused) {
        expect(reason).toBeInstanceOf(AppError);
        expect(reason).toMatchObject({
          code: 'RATE_LIMITED',
          hints: { retryAfterMs: STORE_BUSY_RETRY_AFTER_MS },
        });
      }
      // Once the queue has drained, a request is served again.
      expect((await store.listChannels(alice.id)).length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('collects unposted files without deadlocking a send that is posting two of them: the send is told one is gone', async () => {
    const url = await cluster.createDatabase();
    const store = await PostgresStore.open(url, { logger, poolSize: 4 });
    const sender = await poolOn(url).connect();
    try {
      await seedDemo(store);
      const alice = (await store.findUserByUsername('alice'))!;
      const old = new Date(Date.UTC(2026, 0, 1)).toISOString();
      const upload = (name: string): FileRecord => ({
        id: randomUUID(),
        name,
        size: 1,
        mime: 'text/plain',
        userId: alice.id,
        sha256: 'e'.repeat(64),
        createdAt: old,
      });
      // Stored in this order so the collection's scan meets b before a.
      const [b, a] = [upload('b.txt'), upload('a.txt')];
      for (const f of [b, a]) await store.insertFile(f);
      // A send carrying a and b, inside its message's transaction: a is locked first.
      await sender.query('BEGIN');
      expect(await lockFiles(sender, { files: [a] })).toBe(true);
      const collecting = store.deleteUnpostedFiles(new Date(Date.UTC(2026, 0, 2)).toISOString());
      // Either the collection is waiting for the send's lock on a, or it is done.
      const waiting = async () =>
        (await poolOn(url).query('SELECT 1 FROM pg_locks WHERE NOT granted')).rowCount! > 0;
      let done = false;
      void collecting.then(
        () => (done = true),
        () => (done = true),
      );
      while (!done && !(await waiting())) await new Promise((r) => setTimeout(r, 20));
      // The send now locks both. Before: the collection held b and waited for a, the send waited for b,
      // and PostgreSQL aborted one of them (deadlock detected).
      const stillThere = await lockFiles(sender, { files: [a, b] });
      await sender.query('ROLLBACK');
      const collected = await collecting;
      expect(stillThere).toBe(false);
      expect(collected.map((f) => f.id)).toEqual([b.id]);
      expect(await store.getFile(a.id)).toBeDefined();
    } finally {
      sender.release();
      await store.close();
    }
  });

  it('migrates once when two instances start together, and records each version', async () => {
    const url = await cluster.createDatabase();
    const applied = await Promise.all([migratePostgres(poolOn(url)), migratePostgres(poolOn(url))]);
    const latest = loadPostgresMigrations().map((m) => m.version);
    expect(applied).toContainEqual(latest);
    expect(applied).toContainEqual([]);
    const { rows } = await poolOn(url).query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(latest);
    expect(rows[0]?.name).toBe('001_initial.sql');
  });

  it('leaves the schema untouched when a migration fails, and refuses a database newer than the code', async () => {
    const url = await cluster.createDatabase();
    const pool = poolOn(url);
    const broken = [
      { version: 1, name: '001_a.sql', sql: 'CREATE TABLE kept_only_if_all_pass (x integer);' },
      { version: 2, name: '002_b.sql', sql: 'CREATE TABLE oops (' },
    ];
    await expect(migratePostgres(pool, broken)).rejects.toThrow(/syntax error/);
    const { rows } = await pool.query(`SELECT to_regclass('kept_only_if_all_pass') AS t,
      to_regclass('schema_migrations') AS m`);
    expect(rows[0]).toEqual({ t: null, m: null });

    await migratePostgres(pool);
    await pool.query(`INSERT INTO schema_migrations (version, name) VALUES (99, '099_future.sql')`);
    await expect(PostgresStore.open(url, { logger })).rejects.toThrow(/newer than this server/);
  });

  it('refuses a database whose recorded migrations are other files of the same numbers', async () => {
    const pool = poolOn(await cluster.createDatabase());
    const [initial] = loadPostgresMigrations();
    await migratePostgres(pool, [initial!, { version: 2, name: '002_workspace.sql', sql: 'SELECT 1' }]);
    await expect(migratePostgres(pool)).rejects.toThrow(
      /migration 2 is 002_workspace\.sql, but this server's is 002_device_positions\.sql/,
    );
  });

  it('refuses a DATABASE_URL it cannot use with a one-line error that never shows the password', async () => {
    const url = new URL(await cluster.createDatabase());
    await expect(PostgresStore.open('mysql://u:p@127.0.0.1/db', { logger })).rejects.toThrow(
      /must be a postgres:\/\//,
    );
    url.password = 'wrong-Secret-123';
    const refused = PostgresStore.open(url.href, { logger });
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    const message = await refused.catch((err: Error) => err.message);
    expect(message).toMatch(/^DATABASE_URL: cannot connect to PostgreSQL at 127\.0\.0\.1:\d+\/relay_\d+: /);
    expect(message).toMatch(/password authentication failed/);
    expect(message).not.toContain('wrong-Secret-123');
  });
});
