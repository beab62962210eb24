/**
 * `npm run admin` against the shared PostgreSQL (DATABASE_URL alone, no Redis): two running instances
 * see the change through LISTEN/NOTIFY; and an instance whose LISTEN connection is cut (a database
 * restart, a failover, a proxy's idle cut) opens it again and hears the next change.
 */

import { rm } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../src-shared/testing/wait-for';
import { runAdmin } from '../admin/run';
import { describeOnPostgres } from '../store/postgres/testing/describe-on-postgres';
import {
  type ClientSocket,
  connectAs,
  connectRefusal,
  makeTempDir,
  nextEvent,
  startTestServer,
  type TestServer,
} from '../testing';

describeOnPostgres(
  'workspace changes through PostgreSQL LISTEN/NOTIFY',
  'postgres-bus.test.ts',
  (createDatabase) => {
    let databaseUrl: string;
    let a: TestServer;
    let b: TestServer;
    let dataDir: string;
    const sockets: ClientSocket[] = [];

    beforeAll(async () => {
      databaseUrl = await createDatabase();
      // One DATA_DIR: the --demo JWT secret kept there is then the same on both, like one deployment's.
      dataDir = await makeTempDir();
      a = await startTestServer({ databaseUrl, dataDir });
      b = await startTestServer({ databaseUrl, dataDir });
    }, 120_000);
    afterAll(async () => {
      for (const socket of sockets) socket.close();
      await a?.close();
      await b?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    const admin = (...args: string[]) =>
      runAdmin(['--database-url', databaseUrl, ...args], { env: {}, stdin: process.stdin, print: () => {} });

    it('applies an admin command given only DATABASE_URL on both running instances', async () => {
      const carolOnA = await connectAs(a.url, 'carol');
      const carolOnB = await connectAs(b.url, 'carol');
      sockets.push(carolOnA.socket, carolOnB.socket);
      const drops = [carolOnA, carolOnB].map((c) => nextEvent(c.socket, 'disconnect'));
      await admin('user', 'deactivate', 'carol');
      await Promise.all(drops);
      for (const server of [a, b]) {
        expect((await connectRefusal(server.url, { token: carolOnA.token })).data).toEqual({
          reason: 'token_revoked',
        });
      }
    });

    it('opens its LISTEN connection again after it was cut, and hears the next change', async () => {
      // Cut every instance's LISTEN connection from the database side.
      const killer = new pg.Client({ connectionString: databaseUrl });
      await killer.connect();
      const listeners = async () =>
        (
          await killer.query(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'relay-workspace' AND pid <> pg_backend_pid()",
          )
        ).rows as { pid: number }[];
      try {
        const before = await listeners();
        expect(before.length).toBeGreaterThanOrEqual(2);
        for (const { pid } of before) await killer.query('SELECT pg_terminate_backend($1)', [pid]);
        // Both instances are back: new backends, none of the old ones.
        await waitFor(async () => {
          const now = await listeners();
          return now.length >= 2 && now.every((r) => !before.some((b) => b.pid === r.pid));
        }, 'the LISTEN connections opened again');
      } finally {
        await killer.end();
      }

      const bobOnB = await connectAs(b.url, 'bob');
      sockets.push(bobOnB.socket);
      const dropped = nextEvent(bobOnB.socket, 'disconnect');
      await admin('user', 'deactivate', 'bob');
      await dropped;
      expect((await connectRefusal(b.url, { token: bobOnB.token })).data).toEqual({
        reason: 'token_revoked',
      });
    });
  },
);
