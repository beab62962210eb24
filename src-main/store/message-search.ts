/**
 * Local search over the cached messages (FTS5, migration 007): every word of the query, each as a
 * prefix ("depl" finds "deploy"), newest cached first. Works offline; the core merges the server's
 * results for older history (core/search.ts).
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
