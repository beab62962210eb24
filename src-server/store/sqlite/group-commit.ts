/**
 * Group commit: a batch of writes in one transaction, so one disk flush (synchronous=FULL) covers them
 * all. Each write runs in its own savepoint, so one that throws is rolled back alone and fails alone.
 */
import type Database from 'better-sqlite3';

export type Outcome<T = unknown> = { ok: true; value: T } | { ok: false; error: unknown };

/** Outcomes in the order of `works`. Throws, having committed nothing, when the transaction itself fails. */
export function commitTogether<T>(db: Database.Database, works: readonly (() => T)[]): Outcome<T>[] {
  return db
    .transaction(() =>
      works.map((work): Outcome<T> => {
        try {
          // A nested transaction is a savepoint: a failing write undoes only itself.
          return { ok: true, value: db.transaction(work)() };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    )
    .immediate();
}
