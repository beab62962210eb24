/**
 * A gap in the middle of a batch (review of stop 25), against the real server with a real core: a queued
 * send that can never be sent (stored by an older version with other rules) is Failed as the batch is
 * made, so its number never reaches the server; the items behind it come back OUT_OF_ORDER, the lane
 * renumbers from the server's expectedSeq and sends them again. Every other message ends on the server
 * once, in order; the one is Failed locally.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { login, startTestServer } from '../../src-server/testing';
import { cleanupAfterEach } from './testing/cleanups';
import { assertExactlyOnceInOrder, createTestCore, signIn, waitFor } from './testing/harness';
import { assertAllSentLocally, onServer, queueOffline } from './testing/invariants';

const cleanups = cleanupAfterEach();

/** Every SQLite file under `dir`. */
async function sqliteFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.sqlite'))
    .map((e) => join(e.parentPath, e.name));
}

describe('a gap in the middle of a batch', () => {
  it('fails the unsendable one, resends the rest from the gap: each once, in order', async () => {
    const server = await startTestServer({ messageRateLimit: 0 });
    cleanups.push(() => server.close());
    const t = await createTestCore();
    cleanups.push(() => t.close({ keep: true }));
    await signIn(t, server.url, 'alice');
    const prefix = 'gap-';
    // 40 queued, alternating #general (even) and #random (odd): 20 each, in batches once online.
    const expected = await queueOffline(t, prefix, 40);
    await t.close({ keep: true });
    // The 6th of #general (gap-10) can never be sent now: only whitespace.
    let changed = 0;
    for (const file of await sqliteFiles(t.userData)) {
      const db = new Database(file);
      try {
        const table = db
          .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'operations'")
          .get();
        if (table)
          changed += db
            .prepare("UPDATE operations SET content = '   ' WHERE content = ?")
            .run(`${prefix}10`).changes;
      } finally {
        db.close();
      }
    }
    expect(changed).toBe(1);

    const restarted = await createTestCore({ userData: t.userData });
    cleanups.push(() => restarted.close());
    await waitFor(async () => {
      const outbox = await restarted.core.handlers.listOutbox(undefined);
      return outbox.length === 1 && outbox[0]?.status === 'Failed';
    }, 'all sent but the one that can never be');
    const rest = new Map([...expected].map(([id, numbers]) => [id, numbers.filter((n) => n !== 10)]));
    const { token } = await login(server.url, 'alice');
    assertExactlyOnceInOrder(await onServer(server.url, token, rest.keys()), prefix, rest);
    await assertAllSentLocally(restarted, prefix, rest, 1);
  }, 90_000);
});
