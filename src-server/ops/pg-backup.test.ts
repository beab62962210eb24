/**
 * README's PostgreSQL backup commands, run once against a throwaway cluster: pg_dump of a live database,
 * pg_restore into a fresh one (a new machine) and over the original with --clean (rolling back).
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { newMessage } from '../store/contract';
import { seedDemo } from '../store/demo';
import {
  type PostgresCluster,
  postgresUnavailable,
  startPostgresCluster,
} from '../store/postgres/postgres-cluster';
import { PostgresStore } from '../store/postgres/postgres-store';
import { makeTempDir } from '../testing';

const run = promisify(execFile);
const unavailable = postgresUnavailable();
if (unavailable) console.warn(`pg-backup.test.ts skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('PostgreSQL backups with pg_dump / pg_restore', () => {
  let cluster: PostgresCluster;
  let dir: string;
  const logger = createLogger('silent');
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    dir = await makeTempDir();
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function messagesIn(url: string): Promise<string[]> {
    const store = await PostgresStore.open(url, { logger });
    try {
      const alice = (await store.findUserByUsername('alice'))!;
      const general = (await store.listChannels(alice.id)).find((c) => c.name === 'general')!;
      return (await store.listMessages(general.id, alice.id, { after: 0 })).messages.map((m) => m.content);
    } finally {
      await store.close();
    }
  }

  async function post(url: string, content: string): Promise<void> {
    const store = await PostgresStore.open(url, { logger });
    try {
      const alice = (await store.findUserByUsername('alice'))!;
      const general = (await store.listChannels(alice.id)).find((c) => c.name === 'general')!;
      await store.insertMessage(newMessage(general.id, alice.id, { content }));
    } finally {
      await store.close();
    }
  }

  it('dumps a live database and restores it into a new one and over the old one', async () => {
    const live = await cluster.createDatabase();
    const store = await PostgresStore.open(live, { logger });
    await seedDemo(store);
    await store.close();
    await post(live, 'before the dump');

    const file = join(dir, 'relay.dump');
    // pg_dump takes its connection string as the database name argument: `pg_dump ... "$DATABASE_URL"`.
    await run('pg_dump', ['--format=custom', `--file=${file}`, live]);
    await post(live, 'after the dump');

    const fresh = await cluster.createDatabase();
    await run('pg_restore', ['--no-owner', `--dbname=${fresh}`, file]);
    expect(await messagesIn(fresh)).toEqual(['before the dump']);

    await run('pg_restore', ['--clean', '--if-exists', '--no-owner', `--dbname=${live}`, file]);
    expect(await messagesIn(live)).toEqual(['before the dump']);
    // The restored database takes new messages with the next seq.
    await post(live, 'after the restore');
    expect(await messagesIn(live)).toEqual(['before the dump', 'after the restore']);
  }, 120_000);
});
