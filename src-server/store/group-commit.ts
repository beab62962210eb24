/**
 * Group commit. Every write that arrives in one turn of the event loop is committed in one transaction,
 * so one fsync (synchronous=FULL) covers them all: durable acks without paying a disk flush per message.
 * Each write runs in its own savepoint, so one that throws is rolled back alone and rejects alone.
 * Callers are resolved in the order they queued, which keeps broadcasts in seq order.
 */
import type Database from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export class WriteBatcher {
  private queue: Pending[] = [];

  constructor(private readonly db: Database.Database) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Commits whatever is queued now (also called before the database closes). */
  flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[];
    try {
      outcomes = this.db
        .transaction(() =>
          batch.map((item) => {
            try {
              // A nested transaction is a savepoint: a failing write undoes only itself.
              return { ok: true as const, value: this.db.transaction(item.work)() };
            } catch (error) {
              return { ok: false as const, error };
            }
          }),
        )
        .immediate();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
