import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitTogether as commitItems } from './group-commit';

/** Each write a function: the items, and an `apply` that calls each. */
const commitTogether = <T>(db: Database.Database, works: (() => T)[]) =>
  commitItems(db, works, (work) => work());

let dir: string;
let db: Database.Database;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-batch-'));
  db = new Database(join(dir, 'b.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
});
afterEach(async () => {
  if (db.open) db.close();
  await rm(dir, { recursive: true, force: true });
});

const insert = (v: number) => () => db.prepare('INSERT INTO t (v) VALUES (?)').run(v).changes;
const stored = () => db.prepare('SELECT v FROM t ORDER BY v').pluck().all();

describe('commitTogether', () => {
  it('commits the writes together, with their outcomes in order', () => {
    const outcomes = commitTogether(db, [insert(3), insert(1), insert(2)]);
    expect(outcomes).toEqual([1, 1, 1].map((value) => ({ ok: true, value })));
    expect(stored()).toEqual([1, 2, 3]);
  });

  it('rolls back and fails only the write that threw', () => {
    const outcomes = commitTogether(db, [
      insert(1),
      () => {
        insert(2)();
        insert(1)(); // duplicate key: this write, including its row 2, is undone
      },
      insert(3),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({
      error: expect.objectContaining({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }),
    });
    expect(stored()).toEqual([1, 3]);
  });

  it('throws when the transaction itself cannot run', () => {
    db.close();
    expect(() => commitTogether(db, [insert(1)])).toThrow(/not open/);
  });
});

describe('commitTogether, the attempts', () => {
  it('runs each write once when none throws', () => {
    const calls: number[] = [];
    const write = (v: number) => () => {
      calls.push(v);
      return insert(v)();
    };
    commitTogether(db, [write(1), write(2)]);
    expect(calls).toEqual([1, 2]);
    expect(stored()).toEqual([1, 2]);
  });

  it('runs the batch again, write by write, when one throws', () => {
    const calls: number[] = [];
    const write = (v: number) => () => {
      calls.push(v);
      return insert(v)();
    };
    const outcomes = commitTogether(db, [write(1), write(1), write(2)]);
    expect(calls).toEqual([1, 1, 1, 1, 2]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(stored()).toEqual([1, 2]);
  });
});
