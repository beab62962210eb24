/**
 * Baseline: the bare Socket.IO relay plus one durable SQLite INSERT per message before it forwards and
 * acknowledges — the floor of a server that stores each message before its ack (issue 16). The file is
 * opened by the real server's own `openDatabase`, so the pragmas are the server's (WAL, `synchronous`
 * FULL by default, or NORMAL with SQLITE_SYNCHRONOUS=normal). The insert runs on the event loop, one
 * transaction (one fsync) per message: no writer thread and no group commit, which is what the real
 * server adds to beat it under load.
 *
 * argv: PORT DATA_DIR
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { openDatabase, type Synchronous } from '../../src-server/store/sqlite/sqlite-database';
import { startRelay } from './relay';

const dataDir = process.argv[3];
if (!dataDir) throw new Error('usage: durable-relay.ts PORT DATA_DIR');
const synchronous: Synchronous = process.env.SQLITE_SYNCHRONOUS === 'normal' ? 'normal' : 'full';

const db = openDatabase(path.join(dataDir, 'durable-relay.sqlite'), synchronous);
// The columns a chat message needs, with the real table's UNIQUE (user_id, client_message_id).
db.exec(`CREATE TABLE IF NOT EXISTS messages (
  id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, seq INTEGER NOT NULL, user_id TEXT NOT NULL,
  content TEXT NOT NULL, client_message_id TEXT, created_at INTEGER NOT NULL,
  UNIQUE (user_id, client_message_id))`);
const insert = db.prepare(
  'INSERT INTO messages (id, channel_id, seq, user_id, content, client_message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
);
let seq = 0;

startRelay(Number(process.argv[2] ?? 0), (message) => {
  insert.run(
    randomUUID(),
    message.channelId,
    ++seq,
    message.userId,
    message.content ?? '',
    message.clientMessageId ?? null,
    Date.now(),
  );
});

process.on('SIGTERM', () => {
  db.close();
  process.exit(0);
});
