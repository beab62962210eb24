/**
 * Local search over the cached messages (FTS5, migration 008): every word of the query, each as a
 * prefix ("depl" finds "deploy"), newest cached first. Works offline; the core merges the server's
 * results for older history (core/search.ts).
 *
 * The index is brought up to date off the write path: messages above a high-water rowid
 * (`search_progress.upto`, migration 012) are not indexed yet, and edits and deletes of those at or below
 * it note their rowid in `search_pending` (migration 010); `indexPending` takes both in bounded batches,
 * on the core's idle tick and before every search. An insert writes nothing for the index.
 */
import type { Statement } from 'better-sqlite3';
import type { MessageRow } from './rows';

type Sql = (source: string) => Statement<unknown[], unknown>;

const MAX_TERMS = 16;

/** The FTS5 query for what a person typed: words only, each quoted (no FTS syntax gets through). */
export function ftsQuery(text: string): string | undefined {
  const words = text
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((w) => w.length > 0)
    .slice(0, MAX_TERMS);
  if (words.length === 0) return undefined;
  return words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' ');
}

export function searchMessages(
  sql: Sql,
  query: string,
  options: { channelId?: string; limit: number },
): MessageRow[] {
  const match = ftsQuery(query);
  if (match === undefined) return [];
  // The index's rowid order is the order messages were cached in: newest first without a sort.
  return sql(`
      SELECT m.* FROM messages_fts f JOIN messages m ON m.rowid = f.rowid
      WHERE messages_fts MATCH ? AND (? IS NULL OR m.channel_id = ?) AND m.deleted = 0
      ORDER BY f.rowid DESC LIMIT ?`).all(
    match,
    options.channelId ?? null,
    options.channelId ?? null,
    options.limit,
  ) as MessageRow[];
}

/**
 * Brings the index up to date for up to `limit` messages (new ones above the mark first, then noted
 * ones, by rowid); returns how many it took. Call inside a transaction: the mark and the notes go with
 * the index rows they paid for, so a kill -9 mid-batch leaves them all to do again.
 *
 * A noted message's old entry is taken out with the text it was indexed with (external content), then
 * its current text, if it still exists, goes in. A message above the mark that has a note is left to the
 * note (its rowid was freed and given again after the mark was lowered under it): indexing it twice would
 * corrupt the index. Last, the mark comes down to the highest rowid held, so a freed rowid given again
 * is above it (migration 012).
 */
export function indexPending(sql: Sql, limit: number): number {
  const upto = sql('SELECT upto FROM search_progress').pluck().get() as number;
  const fresh = sql(`
      SELECT max(rowid) AS through, count(*) AS n
      FROM (SELECT rowid FROM messages WHERE rowid > ? ORDER BY rowid LIMIT ?)`).get(upto, limit) as {
    through: number | null;
    n: number;
  };
  if (fresh.through !== null) {
    sql(`
        INSERT INTO messages_fts (rowid, content)
        SELECT rowid, content FROM messages
        WHERE rowid > ? AND rowid <= ? AND rowid NOT IN (SELECT message_rowid FROM search_pending)`).run(
      upto,
      fresh.through,
    );
    sql('UPDATE search_progress SET upto = ?').run(fresh.through);
  }
  const noted = limit - fresh.n > 0 ? indexNoted(sql, limit - fresh.n) : 0;
  sql('UPDATE search_progress SET upto = min(upto, coalesce((SELECT max(rowid) FROM messages), 0))').run();
  return fresh.n + noted;
}

/** The first `limit` noted messages (by rowid): old entry out, current text in. */
function indexNoted(sql: Sql, limit: number): number {
  const { upTo, n } = sql(`
      SELECT max(message_rowid) AS upTo, count(*) AS n
      FROM (SELECT message_rowid FROM search_pending ORDER BY message_rowid LIMIT ?)`).get(limit) as {
    upTo: number | null;
    n: number;
  };
  if (upTo === null) return 0;
  sql(`
      INSERT INTO messages_fts (messages_fts, rowid, content)
      SELECT 'delete', message_rowid, indexed FROM search_pending
      WHERE message_rowid <= ? AND indexed IS NOT NULL`).run(upTo);
  sql(`
      INSERT INTO messages_fts (rowid, content)
      SELECT m.rowid, m.content FROM search_pending p JOIN messages m ON m.rowid = p.message_rowid
      WHERE p.message_rowid <= ?`).run(upTo);
  sql('DELETE FROM search_pending WHERE message_rowid <= ?').run(upTo);
  return n;
}

/** How many messages wait for the index (diagnostics and tests). */
export function pendingCount(sql: Sql): number {
  return (
    sql(`
      SELECT (SELECT count(*) FROM search_pending) + (
        SELECT count(*) FROM messages
        WHERE rowid > (SELECT upto FROM search_progress)
          AND rowid NOT IN (SELECT message_rowid FROM search_pending)) AS n`).get() as { n: number }
  ).n;
}
