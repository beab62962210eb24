/**
 * The SQLite store's file rows (uploads), on the main thread's connection like the workspace's: one small
 * write per upload. Linking a file to its message happens in the message's own write (writes.ts).
 */
import type Database from 'better-sqlite3';
import { type FileRow, fileColumns, toFileRecord } from '../rows';
import type { FileRecord } from '../types';
import { UNPOSTED_BEFORE } from './sqlite-database';

const SQL = {
  insertFile: `INSERT INTO files (id, user_id, sha256, name, size, mime, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`,
  fileById: 'SELECT * FROM files WHERE id = ?',
  // Deleting a message unlinks its files; the test on deleted also covers links older than that rule.
  readable: `SELECT 1 FROM message_files mf
    JOIN channel_members cm ON cm.channel_id = mf.channel_id AND cm.user_id = ?
    JOIN messages m ON m.id = mf.message_id AND m.deleted = 0
    WHERE mf.file_id = ? LIMIT 1`,
  // Whether the collection has anything to delete (the DELETE itself is the writer thread's: writes.ts).
  anyUnposted: `SELECT 1 FROM files WHERE ${UNPOSTED_BEFORE} LIMIT 1`,
  blobsInUse: 'SELECT DISTINCT sha256 FROM files WHERE sha256 IN (SELECT value FROM json_each(?))',
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

export class SqliteFiles {
  private readonly sql: Statements;

  constructor(
    db: Database.Database,
    /** The DELETE of the unposted uploads before a cutoff, on the writer thread (writes.ts). */
    private readonly deleteUnposted: (cutoff: string) => Promise<FileRecord[]>,
  ) {
    this.sql = Object.fromEntries(
      Object.entries(SQL).map(([name, text]) => [name, db.prepare(text)]),
    ) as Statements;
  }

  insertFile(file: FileRecord): void {
    this.sql.insertFile.run(...fileColumns(file));
  }

  getFile(id: string): FileRecord | undefined {
    const row = this.sql.fileById.get(id) as FileRow | undefined;
    return row && toFileRecord(row);
  }

  canReadFile(fileId: string, userId: string): boolean {
    return this.sql.readable.get(userId, fileId) !== undefined;
  }

  /**
   * Looked for with a read first, which never waits for the write lock, then deleted on the writer thread,
   * which waits for it off the event loop. The DELETE used to run on this connection: it waited in SQLite's
   * busy handler on the event loop while the thread committed (up to BUSY_TIMEOUT_MS; ~100 ms of a
   * restart's replay in figure 6, BENCHMARKS.md srv24), though there was mostly nothing to delete.
   */
  async deleteUnpostedFiles(cutoff: string): Promise<FileRecord[]> {
    if (this.sql.anyUnposted.get(cutoff) === undefined) return [];
    return this.deleteUnposted(cutoff);
  }

  blobsInUse(sha256s: string[]): Set<string> {
    const rows = this.sql.blobsInUse.all(JSON.stringify(sha256s)) as { sha256: string }[];
    return new Set(rows.map((r) => r.sha256));
  }
}
