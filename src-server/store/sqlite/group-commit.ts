/**
 * Group commit: a batch of writes in one transaction, so one disk flush (synchronous=FULL) covers them
 * all. A write that throws is undone alone and fails alone; the others commit.
 *
 * Writes almost never throw, so a batch first runs as one plain transaction. Only if a write throws is
 * that attempt rolled back whole and the batch run again with a savepoint around each write. A savepoint
 * per write cost the writer thread about a fifth of its CPU per message (BENCHMARKS.md, "Where a
 * message's time goes"): better-sqlite3 builds a wrapper for each, and SQLite opens and releases a
 * statement journal scope. The outcomes are the same either way.
 *
 * The plain attempt makes no function per commit: the writes are items and one `apply` (a method bound
 * once by the caller), passed through the transaction's arguments. Under tsx each closure made at run
 * time is also named (`__name`, an Object.defineProperty), and at idle every message is its own commit
 * on the event loop, before its broadcast (BENCHMARKS.md, "fig1n28").
 */
import type Database from 'better-sqlite3';

export type Outcome<T = unknown> = { ok: true; value: T } | { ok: false; error: unknown };

type Apply = (item: unknown) => unknown;
/** One transaction function per connection: it calls `body(items, apply)` inside BEGIN … COMMIT. */
type Transaction = Database.Transaction<
  (
    body: (items: readonly unknown[], apply: Apply) => unknown,
    items: readonly unknown[],
    apply: Apply,
  ) => unknown
>;
const transactions = new WeakMap<Database.Database, Transaction>();

/**
 * Made once per connection: better-sqlite3's `db.transaction(fn)` builds four wrappers and defines their
 * properties each time, 1.6 % of the writer thread's busy time in figure 1's profile (one message a
 * batch). Called inside a transaction, it is a savepoint.
 */
function transactionOf(db: Database.Database): Transaction {
  let transaction = transactions.get(db);
  if (!transaction) {
    transaction = db.transaction((body, items, apply) => body(items, apply));
    transactions.set(db, transaction);
  }
  return transaction;
}

/** A write threw in the plain attempt: it is rolled back whole and run again write by write. */
class WriteThrew extends Error {}

/** The plain attempt: every write's outcome, or a throw that rolls all of them back. */
function plainly(items: readonly unknown[], apply: Apply): Outcome[] {
  const outcomes = new Array<Outcome>(items.length);
  for (let i = 0; i < items.length; i++) {
    try {
      outcomes[i] = { ok: true, value: apply(items[i]) };
    } catch {
      throw new WriteThrew();
    }
  }
  return outcomes;
}

/** A savepoint's body: the one write, its throw as it is. */
function applyOne(items: readonly unknown[], apply: Apply): unknown {
  return apply(items[0]);
}

/** Outcomes in the order of `items`. Throws, having committed nothing, when the transaction itself fails. */
export function commitTogether<I, T>(
  db: Database.Database,
  items: readonly I[],
  apply: (item: I) => T,
): Outcome<T>[] {
  const transaction = transactionOf(db);
  try {
    return transaction.immediate(plainly, items, apply as Apply) as Outcome<T>[];
  } catch (error) {
    if (!(error instanceof WriteThrew)) throw error;
  }
  // A nested transaction is a savepoint: a failing write undoes only itself.
  const oneByOne = (all: readonly unknown[]): Outcome[] =>
    all.map((item) => {
      try {
        return { ok: true, value: transaction(applyOne, [item], apply as Apply) };
      } catch (error) {
        return { ok: false, error };
      }
    });
  return transaction.immediate(oneByOne, items, apply as Apply) as Outcome<T>[];
}
