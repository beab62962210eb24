/**
 * The PostgreSQL store's file rows (uploads): sqlite-files.ts's behaviour. Linking a file to its message
 * happens in the message's own transaction (postgres-store.ts, linkFiles).
 */
import type pg from 'pg';
import { type FileRow, fileColumns, toFileRecord } from '../rows';
import type { FileRecord } from '../types';

const SQL = {
  insertFile: `INSERT INTO files (id, user_id, sha256, name, size, mime, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  fileById: 'SELECT * FROM files WHERE id = $1',
  // Deleting a message unlinks its files; the test on deleted also covers links older than that rule.
  readable: `SELECT 1 FROM message_files mf
    JOIN channel_members cm ON cm.channel_id = mf.channel_id AND cm.user_id = $1
    JOIN messages m ON m.id = mf.message_id AND NOT m.deleted
    WHERE mf.file_id = $2 LIMIT 1`,
  // The link test: a file unposted by a deletion while another message was posting it stays. A file a
  // send holds (lockFiles) is skipped, never waited for: waiting could close a cycle with a send locking
  // two of them (deadlock), and that send posts it anyway; the next collection takes what it left.
  deleteUnposted: `DELETE FROM files WHERE id IN (
      SELECT id FROM files WHERE posted_at IS NULL AND created_at < $1::timestamptz
        AND NOT EXISTS (SELECT 1 FROM message_files mf WHERE mf.file_id = files.id)
      FOR UPDATE SKIP LOCKED)
    RETURNING *`,
  blobsInUse: 'SELECT DISTINCT sha256 FROM files WHERE sha256 = ANY($1::text[])',
  // In a message's transaction, before it is stored: its files, each locked until COMMIT. A collection
  // that deleted one first leaves it out; one that comes later waits, then finds it posted and spares it.
  lockFiles: 'SELECT id FROM files WHERE id = ANY($1::text[]) FOR KEY SHARE',
  // In a message's transaction: link each file (rows of one JSON array) and mark it posted.
  linkFiles: `WITH linked AS (
      INSERT INTO message_files (message_id, file_id, channel_id)
      SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING
    )
    UPDATE files SET posted_at = COALESCE(posted_at, $4::timestamptz) WHERE id = ANY($2::text[])`,
} as const;

/**
 * In the message's transaction (on `client`), before it is stored: whether every file it carries is still
 * stored (the hourly collection may have deleted one since the caller's check), each locked against the
 * collection until COMMIT.
 */
export async function lockFiles(
  client: pg.PoolClient,
  message: { files?: { id: string }[] },
): Promise<boolean> {
  if (!message.files?.length) return true;
  const ids = [...new Set(message.files.map((f) => f.id))];
  return (await client.query(SQL.lockFiles, [ids])).rowCount === ids.length;
}

/** Links the message's files in its transaction (on `client`), after lockFiles. */
export async function linkFiles(
  client: pg.PoolClient,
  message: { id: string; channelId: string; createdAt: string; files?: { id: string }[] },
): Promise<void> {
  if (!message.files?.length) return;
  const ids = message.files.map((f) => f.id);
  await client.query(SQL.linkFiles, [message.id, ids, message.channelId, message.createdAt]);
}

export class PostgresFiles {
  /** `db` throws once the store is closed, as every store call must. */
  constructor(private readonly db: () => pg.Pool) {}

  private async rows<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return (await this.db().query<R>(text, values)).rows;
  }

  async insertFile(file: FileRecord): Promise<void> {
    await this.rows(SQL.insertFile, fileColumns(file));
  }

  async getFile(id: string): Promise<FileRecord | undefined> {
    const [row] = await this.rows<FileRow>(SQL.fileById, [id]);
    return row && toFileRecord(row);
  }

  async canReadFile(fileId: string, userId: string): Promise<boolean> {
    return (await this.rows(SQL.readable, [userId, fileId])).length > 0;
  }

  async deleteUnpostedFiles(cutoff: string): Promise<FileRecord[]> {
    return (await this.rows<FileRow>(SQL.deleteUnposted, [cutoff])).map(toFileRecord);
  }

  async blobsInUse(sha256s: string[]): Promise<Set<string>> {
    return new Set((await this.rows<{ sha256: string }>(SQL.blobsInUse, [sha256s])).map((r) => r.sha256));
  }
}
