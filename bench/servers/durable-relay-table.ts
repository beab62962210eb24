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
