/**
 * The search index of new messages, kept off the ack's commit (writer thread only).
 *
 * A message's ack waits for its batch's durable commit; the FTS5 index does not need to be in that
 * commit. Indexing a batch there cost a third of its WAL pages (13.3 frames a message against 8 without:
 * BENCHMARKS.md, "Figure 1 profiled again"). So the writer answers a batch first, and indexes new
 * messages later in a transaction of their own (`update`: a little after writes, many batches at once,
 * and before a search; writer-client.ts), and `search_indexed` (migrations/007) keeps
 * the rowid the index has reached: messages are never removed (a deletion is a tombstone), so every
 * message above it, and only those, is missing from the index. A crash between the two transactions
 * leaves that gap, and the writer closes it when it starts.
 *
 * That second commit need not reach the disk by itself. With synchronous=FULL it runs as NORMAL (a
 * per-connection setting, changed between transactions): in WAL mode NORMAL writes the same frames
 * without the fsync, the next FULL commit's fsync of the WAL file covers them, and a power cut before
 * it loses only index pages together with their high-water row, which the next start re-indexes. Not
 * OFF: that would also skip the syncs around checkpoints, which guard the acknowledged messages.
 *
 * The external-content index can only take out a text that it holds: an edit's or deletion's trigger
 * (migrations/004) removes the old text. So before a change the writer brings the index up to date in
 * the change's own transaction (`catchUp`); a tombstone is then indexed as '' and a search never
 * finds it (the search also skips deleted rows).
 */
import type Database from 'better-sqlite3';
import { prepare, type Synchronous } from './sqlite-database';

/** The rowids after `indexed` up to `stored` are not in the index yet. */
interface Gap {
  indexed: number;
  stored: number;
}

export class SqliteSearchIndex {
  private readonly sql;
  private readonly relaxSync: Database.Statement | undefined;
  private readonly restoreSync: Database.Statement | undefined;
  /** Made once: better-sqlite3 builds its wrappers anew for each `db.transaction` (group-commit.ts). */
  private readonly indexInTransaction;

  constructor(db: Database.Database, synchronous: Synchronous) {
    this.sql = prepare(db, ['searchGap', 'indexMessagesIn', 'setSearchIndexed']);
    this.indexInTransaction = db.transaction(() => this.catchUp());
    if (synchronous === 'full') {
      this.relaxSync = db.prepare('PRAGMA synchronous = NORMAL');
      this.restoreSync = db.prepare('PRAGMA synchronous = FULL');
    }
  }

  /** Indexes the messages the index has not reached, in the transaction already open. */
  catchUp(): void {
    const gap = this.gap();
    if (gap) this.indexGap(gap);
  }

  /**
   * In a transaction of its own, not flushed to disk by itself: a little after writes, before a search,
   * and at start. Does nothing (no transaction) when the index is up to date.
   */
  update(): void {
    // Read again inside the transaction: the main thread's connection stores messages too (at idle,
    // writer-client.ts), so the gap may have grown since this first look.
    if (!this.gap()) return;
    this.relaxSync?.run();
    try {
      this.indexInTransaction.immediate();
    } finally {
      this.restoreSync?.run();
    }
  }

  private gap(): Gap | undefined {
    const gap = this.sql.searchGap.get() as Gap;
    return gap.stored > gap.indexed ? gap : undefined;
  }

  private indexGap({ indexed, stored }: Gap): void {
    this.sql.indexMessagesIn.run(indexed, stored);
    this.sql.setSearchIndexed.run(stored);
  }
}
