/**
 * Real damage to a real SQLite file, for the corruption tests: the file still opens and its first pages
 * (the schema, the channels) still read, but one page deep inside it is garbage, as a torn write or a
 * bad sector leaves it. Only a full read (`PRAGMA quick_check`), or a read of that very page, finds it.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Old messages of a channel left long ago (not in the channel list, never on a page the app reads at
 * start), `count` of them, so the messages table spans many pages whose middle ones hold only these.
 * The search index is marked as having taken them in, so the upkeep never reads them either.
 */
export function addOldMessages(file: string, count: number): void {
  const db = new Database(file);
  try {
    const insert = db.prepare(
      `INSERT INTO messages (key, id, channel_id, author_id, author_name, content, created_at, seq, own)
       VALUES (?, ?, 'a-channel-left-long-ago', 'someone', 'Someone', ?, '2020-01-01T00:00:00.000Z', ?, 0)`,
    );
    db.transaction(() => {
      for (let i = 1; i <= count; i++) insert.run(`old-${i}`, `old-${i}`, `old message ${i} `.repeat(20), i);
      db.prepare('UPDATE search_progress SET upto = (SELECT max(rowid) FROM messages)').run();
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/**
 * Overwrites a leaf page three quarters along of `table`'s b-tree (in key order: with rows appended last, it holds
 * only the rows added last) with garbage. Returns its page number. The file must be closed.
 */
export function corruptLeafPage(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  let page: number;
  let pageSize: number;
  try {
    const leaves = db
      .prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY path")
      .pluck()
      .all(table) as number[];
    if (leaves.length < 3) throw new Error(`${table} has ${leaves.length} leaf pages: add rows first`);
    page = leaves[Math.floor((leaves.length * 3) / 4)] as number;
    pageSize = db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (page - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
  return page;
}
