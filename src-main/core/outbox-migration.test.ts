/**
 * The outbox's promise across an upgrade (migration 016, bench figure 6): sends the app queued before 016
 * (the file put back as 015 left it: `op_id` a UNIQUE column, no `send_ord` on messages) are all still
 * queued after it, in their order, each found through its message, and each reaches the server once.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { startTestServer } from '../../src-server/testing';
import { LocalStore } from '../store/store';
import { cleanupAfterEach } from './testing/cleanups';
import { createTestCore, makeUserData, signIn } from './testing/harness';
import { queueOffline, verify } from './testing/invariants';

const cleanups = cleanupAfterEach();

/** The queue's table, its indexes and triggers, and messages as 015 left them (016's own index and trigger
 * gone); the queue's rows. */
function asMadeBy015(file: string): unknown[] {
  const db = new Database(file);
  try {
    const [table, ...rest] = db
      .prepare(`
        SELECT sql FROM sqlite_schema WHERE tbl_name = 'operations'
          AND name NOT IN ('operations_by_op_id', 'operations_one_per_op_id')
          AND sql IS NOT NULL ORDER BY type = 'table' DESC`)
      .pluck()
      .all() as string[];
    const old = (table as string)
      .replace(/^CREATE TABLE "?operations"?/, 'CREATE TABLE operations_015')
      .replace(/\bop_id(\s+)TEXT NOT NULL,/, 'op_id$1TEXT NOT NULL UNIQUE,');
    expect(old).toMatch(/op_id\s+TEXT NOT NULL UNIQUE,/);
    db.transaction(() => {
      db.exec(old);
      db.exec(`INSERT INTO operations_015 SELECT * FROM operations; DROP TABLE operations;
               ALTER TABLE operations_015 RENAME TO operations;`);
      for (const sql of rest) db.exec(sql);
      db.exec('ALTER TABLE messages DROP COLUMN send_ord');
    })();
    db.pragma('user_version = 15');
    return db.prepare('SELECT * FROM operations ORDER BY ord').all();
  } finally {
    db.close();
  }
}

it('keeps sends queued before migration 016 through it, in order, and sends each once after', async () => {
  const server = await startTestServer({ messageRateLimit: 0 });
  cleanups.push(() => server.close());
  const userData = await makeUserData();
  cleanups.push(() => rm(userData, { recursive: true, force: true }));
  const before = await createTestCore({ userData });
  await signIn(before, server.url, 'alice');
  const aliceId = (await before.core.handlers.getSession(undefined)).user?.id as string;
  const expected = await queueOffline(before, 'm-', 40);
  await before.close({ keep: true });

  const file = join(userData, `relay-${aliceId}.sqlite`);
  const queued = asMadeBy015(file);
  expect(queued).toHaveLength(40);

  // Upgraded: the same rows in the same places, each send's place on its message.
  LocalStore.open({ file, selfId: aliceId }).close();
  const db = new Database(file, { readonly: true });
  try {
    expect(db.pragma('user_version', { simple: true })).toBe(16);
    expect(db.prepare('SELECT * FROM operations ORDER BY ord').all()).toEqual(queued);
    const found = db
      .prepare(`
        SELECT count(*) FROM messages m JOIN operations o
          ON o.ord = m.send_ord AND o.op_id = m.client_message_id AND o.kind = 'send'`)
      .pluck()
      .get();
    expect(found).toBe(40);
  } finally {
    db.close();
  }

  const after = await createTestCore({ userData });
  cleanups.push(() => after.close({ keep: true }));
  await verify(after, server.url, 'm-', expected);
}, 60_000);
