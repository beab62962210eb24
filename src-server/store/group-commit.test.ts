import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WriteBatcher } from './write-batcher';

let dir: string;
let db: Database.Database;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-batch-'));
  db = new Database(join(dir, 'b.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const insert = (v: number) => () => db.prepare('INSERT INTO t (v) VALUES (?)').run(v).changes;
const stored = () => db.prepare('SELECT v FROM t ORDER BY v').pluck().all();

describe('WriteBatcher', () => {
  it('commits the writes of one turn together, resolving each in order', async () => {
    const batcher = new WriteBatcher(db);
    const order: number[] = [];
    const writes = [1, 2, 3].map((v) => batcher.run(insert(v)).then(() => order.push(v)));
    // Nothing is written until the turn ends.
    expect(stored()).toEqual([]);
    await Promise.all(writes);
    expect(order).toEqual([1, 2, 3]);
    expect(stored()).toEqual([1, 2, 3]);
  });

  it('rolls back and rejects only the write that failed', async () => {
    const batcher = new WriteBatcher(db);
    const results = await Promise.allSettled([
      batcher.run(insert(1)),
      batcher.run(() => {
        insert(2)();
        insert(1)(); // duplicate key: this write, including its row 2, is undone
      }),
      batcher.run(insert(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(stored()).toEqual([1, 3]);
  });

  it('rejects every write when the transaction itself cannot run', async () => {
    const batcher = new WriteBatcher(db);
    const pending = batcher.run(insert(1));
    db.close();
    await expect(pending).rejects.toThrow(/not open/);
    db = new Database(join(dir, 'b.sqlite'));
  });
});
