/** The durable relay's one table and its insert, wherever the relay commits (event loop or thread). */
import type Database from 'better-sqlite3';

export type InsertRow = [string, string, number, string, string, string | null, number];

export function openRelayTable(db: Database.Database): (row: InsertRow) => void {
  // The columns a chat message needs, with the real table's UNIQUE (user_id, client_message_id).
  db.exec(`CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, seq INTEGER NOT NULL, user_id TEXT NOT NULL,
    content TEXT NOT NULL, client_message_id TEXT, created_at INTEGER NOT NULL,
    UNIQUE (user_id, client_message_id))`);
  const insert = db.prepare(
    'INSERT INTO messages (id, channel_id, seq, user_id, content, client_message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  return (row) => {
    insert.run(...row);
  };
}

/**
 * Group commit, the least a durable server needs with many sends in flight (the real server's writer
 * does the same): the rows that arrived in one turn of the event loop go in one transaction (one fsync
 * at `synchronous` FULL), and each is acknowledged after it. A repeated (user, clientMessageId) is
 * stored once and acknowledged again, as exactly-once asks of a server.
 */
export function openRelayGroup(db: Database.Database): (row: InsertRow) => Promise<void> {
  openRelayTable(db);
  const insert = db.prepare(
    'INSERT INTO messages (id, channel_id, seq, user_id, content, client_message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, client_message_id) DO NOTHING',
  );
  let rows: InsertRow[] = [];
  let done: (() => void)[] = [];
  const commit = db.transaction((batch: InsertRow[]) => {
    for (const row of batch) insert.run(...row);
  });
  const flush = () => {
    const [batch, waiting] = [rows, done];
    rows = [];
    done = [];
    commit(batch);
    for (const resolve of waiting) resolve();
  };
  return (row) =>
    new Promise<void>((resolve) => {
      if (rows.length === 0) setImmediate(flush);
      rows.push(row);
      done.push(resolve);
    });
}
