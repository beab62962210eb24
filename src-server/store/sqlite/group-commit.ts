/**
 * Group commit: a batch of writes in one transaction, so one disk flush (synchronous=FULL) covers them
 * all. A write that throws is undone alone and fails alone; the others commit.
 *
 * Writes almost never throw, so a batch first runs as one plain transaction. Only if a write throws is
 * that attempt rolled back whole and the batch run again with a savepoint around each write. A savepoint
 * per write cost the writer thread about a fifth of its CPU per message (BENCHMARKS.md, "Where a
 * message's time goes"): better-sqlite3 builds a wrapper for each, and SQLite opens and releases a
 * statement journal scope. The outcomes are the same either way.
 */
import type Database from 'better-sqlite3';

export type Outcome<T = unknown> = { ok: true; value: T } | { ok: false; error: unknown };

/** Outcomes in the order of `works`. Throws, having committed nothing, when the transaction itself fails. */
export function commitTogether<T>(db: Database.Database, works: readonly (() => T)[]): Outcome<T>[] {
  let writeThrew = false;
  const plain = (work: () => T): Outcome<T> => {
    try {
      return { ok: true, value: work() };
    } catch (error) {
      writeThrew = true;
      throw error; // the whole attempt is rolled back
    }
  };
  try {
    return inOneTransaction(db, works, plain);
  } catch (error) {
    if (!writeThrew) throw error;
  }
  // A nested transaction is a savepoint: a failing write undoes only itself.
  const inSavepoint = (work: () => T): Outcome<T> => {
    try {
      return { ok: true, value: transactionOf(db)(work) as T };
    } catch (error) {
      return { ok: false, error };
    }
  };
  return inOneTransaction(db, works, inSavepoint);
}

type Transaction = Database.Transaction<(body: () => unknown) => unknown>;
const transactions = new WeakMap<Database.Database, Transaction>();

/**
 * One transaction function per connection, made once: better-sqlite3's `db.transaction(fn)` builds four
 * wrappers and defines their properties each time, 1.6 % of the writer thread's busy time in figure 1's
 * profile (one message a batch). Called inside a transaction, it is a savepoint.
 */
function transactionOf(db: Database.Database): Transaction {
  let transaction = transactions.get(db);
  if (!transaction) {
    transaction = db.transaction((body: () => unknown) => body());
    transactions.set(db, transaction);
  }
  return transaction;
}

function inOneTransaction<T>(
  db: Database.Database,
  works: readonly (() => T)[],
  run: (work: () => T) => Outcome<T>,
): Outcome<T>[] {
  return transactionOf(db).immediate(() => works.map(run)) as Outcome<T>[];
}
