/**
 * The SQLite store's file rows (uploads), on the main thread's connection like the workspace's: one small
 * write per upload. Linking a file to its message happens in the message's own write (writes.ts).
 */
import type Database from 'better-sqlite3';
import { type FileRow, fileColumns, toFileRecord } from '../rows';
import type { FileRecord } from '../types';

const SQL = {
  insertFile: `INSERT INTO files (id, user_id, sha256, name, size, mime, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`,
  fileById: 'SELECT * FROM files WHERE id = ?',
  // Deleting a message unlinks its files; the test on deleted also covers links older than that rule.
  readable: `SELECT 1 FROM message_files mf
    JOIN channel_members cm ON cm.channel_id = mf.channel_id AND cm.user_id = ?
    JOIN messages m ON m.id = mf.message_id AND m.deleted = 0
    WHERE mf.file_id = ? LIMIT 1`,
  // The link test: a file unposted by a deletion while another message was posting it stays.
  deleteUnposted: `DELETE FROM files WHERE posted_at IS NULL AND created_at < ?
    AND NOT EXISTS (SELECT 1 FROM message_files mf WHERE mf.file_id = files.id) RETURNING *`,
  blobsInUse: 'SELECT DISTINCT sha256 FROM files WHERE sha256 IN (SELECT value FROM json_each(?))',
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

export class SqliteFiles {
  private readonly sql: Statements;

  constructor(db: Database.Database) {
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

  deleteUnpostedFiles(cutoff: string): FileRecord[] {
    return (this.sql.deleteUnposted.all(cutoff) as FileRow[]).map(toFileRecord);
  }

  blobsInUse(sha256s: string[]): Set<string> {
    const rows = this.sql.blobsInUse.all(JSON.stringify(sha256s)) as { sha256: string }[];
    return new Set(rows.map((r) => r.sha256));
  }
}
