import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { SearchPage, SearchQuery } from '../../../src-shared/protocol';
import { fileGone } from '../../errors';
import { ensurePrivateDir, ensurePrivateFile } from '../../private-files';
import type { ChangeRequest, ChangeResult } from '../changes';
import { migrate } from '../migrate';
import { newMessageRow, toMessage } from '../rows';
import { SHARED_STATEMENTS, type SharedStatement, SharedStore } from '../shared-store';
import type {
  DeviceSeq,
  FileRecord,
  InsertResult,
  NewMessage,
  OutOfOrder,
  ReceiptResult,
  ReceiptStatus,
  Store,
} from '../types';
import { SqliteChangeReads } from './change-reads';
import type { Outcome } from './group-commit';
import { SqliteSearchIndex } from './search-index';
import { BUSY_TIMEOUT_MS, DATABASE_FILE, openDatabase, prepare, type Synchronous } from './sqlite-database';
import { SqliteFiles } from './sqlite-files';
import { SqliteWorkspace } from './sqlite-workspace';
import {
  INLINE_BELOW_LOOP_SHARE,
  type Inline,
  SQLITE_AUTOCHECKPOINT_PAGES,
  WAL_SAFETY_NET_PAGES,
  type WalLimits,
  WriterClient,
} from './writer-client';
import { type Inserted, SqliteWrites } from './writes';

export { DATABASE_FILE } from './sqlite-database';

export interface SqliteOptions {
  /** Default 'full': see Synchronous. */
  synchronous?: Synchronous;
  /** Where a failure of the writer thread is reported. */
  logger?: Logger;
  /**
   * At idle a write commits on the main thread (writer-client.ts, `Inline`): while the event loop was
   * busy less than this share of its last window (default INLINE_BELOW_LOOP_SHARE). 0: never.
   */
  inlineBelowLoopShare?: number;
  /** When the writer thread checkpoints the WAL (writer-client.ts); tests set smaller limits. */
  wal?: WalLimits;
}

/** An array parameter is bound as JSON: the statements read it with json_each. */
function bindParams(params: unknown[]): unknown[] {
  return params.map((param) => (Array.isArray(param) ? JSON.stringify(param) : param));
}

/**
 * The main thread's commit at idle (writer-client.ts, `Inline`): the writer thread's own writes.ts on
 * this connection. It never waits for the write lock: with busy_timeout 0 for the attempt, a lock held
 * elsewhere fails its BEGIN at once, nothing is committed, and the write goes to the thread, which waits.
 */
function inlineCommitter(db: Database.Database, synchronous: Synchronous): Inline['commit'] {
  const writes = new SqliteWrites(db, new SqliteSearchIndex(db, synchronous));
  const noWait = db.prepare('PRAGMA busy_timeout = 0');
  const wait = db.prepare(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return (ops) => {
    noWait.run();
    let outcomes: Outcome[];
    try {
      outcomes = writes.commit(ops);
    } finally {
      wait.run();
    }
    const busy = outcomes.every((o) => !o.ok && (o.error as { code?: unknown }).code === 'SQLITE_BUSY');
    return busy ? undefined : outcomes;
  };
}

/**
 * The writes' answer to `message` as the store answers it: a new message made here from what its insert
 * decided (the thread sends back its numbers, not the message: writes.ts, `Stored`); NOT_FOUND when its
 * files were collected since the caller checked them; a copy's first message or OUT_OF_ORDER as they are.
 */
function answerTo(message: NewMessage, inserted: Inserted): InsertResult | OutOfOrder {
  if ('filesGone' in inserted) throw fileGone();
  if (!inserted.created) return inserted;
  return { message: toMessage(newMessageRow(message, inserted)), created: true };
}

export class SqliteStore extends SharedStore implements Store {
  private readonly sql;
  // The workspace, the files and the reads of changes: see SharedStore and these files.
  protected readonly workspace: SqliteWorkspace;
  protected readonly files: SqliteFiles;
  protected readonly changes: SqliteChangeReads;
  private closing: Promise<void> | undefined;

  private constructor(
    /** The main thread's connection (the benchmark's set-up also wraps its inserts in a transaction on it). */
    private readonly db: Database.Database,
    private readonly writer: WriterClient,
  ) {
    super();
    this.sql = prepare(db, SHARED_STATEMENTS);
    this.workspace = new SqliteWorkspace(db);
    // Uploads never posted are deleted by the writer thread (sqlite-files.ts).
    this.files = new SqliteFiles(db, (cutoff) =>
      writer.run<FileRecord[]>({ kind: 'deleteUnpostedFiles', cutoff }),
    );
    this.changes = new SqliteChangeReads(db);
  }

  protected row<R>(statement: SharedStatement, params: unknown[]): R | undefined {
    return this.sql[statement].get(...bindParams(params)) as R | undefined;
  }

  protected rows<R>(statement: SharedStatement, params: unknown[]): R[] {
    return this.sql[statement].all(...bindParams(params)) as R[];
  }

  protected run(statement: SharedStatement, params: unknown[]): number {
    return this.sql[statement].run(...bindParams(params)).changes;
  }

  /** Opens (creating and migrating) the database in `dataDir`; resolves once the writer thread is up. */
  static async open(dataDir: string, options: SqliteOptions = {}): Promise<SqliteStore> {
    ensurePrivateDir(dataDir);
    const file = join(dataDir, DATABASE_FILE);
    ensurePrivateFile(file);
    const synchronous = options.synchronous ?? 'full';
    const db = openDatabase(file, synchronous);
    try {
      migrate(db);
      // The thread checkpoints, after its answers; SQLite in a commit only past the safety net
      // (writer-client.ts, WAL_CHECKPOINT_PAGES and WAL_SAFETY_NET_PAGES).
      db.pragma(`wal_autocheckpoint = ${WAL_SAFETY_NET_PAGES}`);
      // At idle a write commits on this connection, without the hop to the thread (writer-client.ts).
      const { inlineBelowLoopShare = INLINE_BELOW_LOOP_SHARE } = options;
      const inline = (busy: Int32Array): Inline => ({
        commit: inlineCommitter(db, synchronous),
        busy,
        inTransaction: () => db.inTransaction,
        belowLoopShare: inlineBelowLoopShare,
      });
      // Once the thread has stopped nobody asks for checkpoints, and the workspace still commits here:
      // SQLite's own checkpoint at its default size takes over on this connection.
      const stopped = () => {
        if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
      };
      const writer = WriterClient.start(
        { file, synchronous, ...(options.wal && { wal: options.wal }) },
        options.logger,
        inlineBelowLoopShare > 0 ? inline : undefined,
        stopped,
      );
      await writer.ready;
      return new SqliteStore(db, writer);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  insertMessage(message: NewMessage): Promise<InsertResult> {
    return this.writer
      .run<Inserted>({ kind: 'insertMessage', message })
      .then((inserted) => answerTo(message, inserted) as InsertResult);
  }

  insertNumbered(message: NewMessage, device: DeviceSeq): Promise<InsertResult | OutOfOrder> {
    return this.writer
      .run<Inserted>({ kind: 'insertNumbered', message, device })
      .then((inserted) => answerTo(message, inserted));
  }

  async skipDeviceSeq(userId: string, channelId: string, device: DeviceSeq): Promise<void> {
    await this.writer.run({ kind: 'skipDeviceSeq', userId, channelId, device });
  }

  async recordReceipt(
    messageId: string,
    userId: string,
    status: ReceiptStatus,
    at: string,
  ): Promise<ReceiptResult> {
    return this.writer.run({ kind: 'recordReceipt', messageId, userId, status, at });
  }

  // A change goes through the writer thread (change-writes.ts); its reads are here (DelegatingStore).
  async changeMessage(request: ChangeRequest): Promise<ChangeResult> {
    return this.writer.run({ kind: 'changeMessage', request });
  }

  /** Read-your-writes: every message acknowledged before the search is in its index (search-index.ts). */
  override async searchMessages(userId: string, query: SearchQuery): Promise<SearchPage> {
    await this.writer.indexed();
    return super.searchMessages(userId, query);
  }

  /** How many writes committed on the main thread at idle, and how many on the writer thread. */
  writePaths(): { inline: number; thread: number } {
    return { ...this.writer.counts };
  }

  /** How many transactions the writer thread was given (each commits its writes together). */
  writerBatches(): number {
    return this.writer.batches;
  }

  /**
   * The WAL size (pages) at which SQLite checkpoints in a commit of this connection (WAL_SAFETY_NET_PAGES
   * while the thread runs), how many checkpoints the thread finished, and how many it did not.
   */
  checkpoints(): { mainConnectionPages: number; byThread: number; unfinished: number } {
    const pages = this.db.pragma('wal_autocheckpoint', { simple: true }) as number;
    return {
      mainConnectionPages: pages,
      byThread: this.writer.checkpoints,
      unfinished: this.writer.unfinishedCheckpoints,
    };
  }

  /** Commits the writes already queued, ends the writer thread, then closes. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.writer.close().finally(() => this.db.close());
    return this.closing;
  }
}
