/**
 * What both SQLite connections share: the file, its pragmas and the SQL. The main thread's connection
 * reads (sqlite-store.ts); the writer thread's connection stores messages and receipts (writes.ts).
 */
import Database from 'better-sqlite3';
import { CHANNEL_COLUMNS, MESSAGE_SELECT } from '../rows';

export const DATABASE_FILE = 'relay.sqlite';

/**
 * FULL (the default): a commit returns once it is on disk, so an acknowledged message survives a power
 * cut. NORMAL: a commit survives a crash of the process, but the last ones before a power cut may be lost.
 */
export type Synchronous = 'full' | 'normal';

export const BUSY_TIMEOUT_MS = 5000;

/**
 * An upload never posted, created before the cutoff (the only parameter). The link test: a file unposted
 * by a deletion while another message was posting it stays.
 */
export const UNPOSTED_BEFORE = `posted_at IS NULL AND created_at < ?
    AND NOT EXISTS (SELECT 1 FROM message_files mf WHERE mf.file_id = files.id)`;

export function openDatabase(file: string, synchronous: Synchronous): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('foreign_keys = ON');
  // The other connection may hold the write lock for one commit: wait for it rather than fail.
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

export const SQL = {
  userById: 'SELECT * FROM users WHERE id = ?',
  userByUsername: 'SELECT * FROM users WHERE username = ?',
  userName: 'SELECT name FROM users WHERE id = ?',
  insertUser: `INSERT INTO users (id, username, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (username) DO NOTHING`,
  insertChannel: 'INSERT INTO channels (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
  channelByName: `SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE c.name = ?`,
  insertMember: `INSERT INTO channel_members (channel_id, user_id, joined_at) VALUES (?, ?, ?)
    ON CONFLICT DO NOTHING`,
  membership: `SELECT cm.user_id AS member FROM channels c
    LEFT JOIN channel_members cm ON cm.channel_id = c.id AND cm.user_id = ? WHERE c.id = ?`,
  memberChannelIds: 'SELECT channel_id FROM channel_members WHERE user_id = ?',
  channelsOfUser: `SELECT ${CHANNEL_COLUMNS}, cm.last_read_seq,
      (SELECT COUNT(*) FROM messages m
        WHERE m.channel_id = c.id AND m.seq > cm.last_read_seq AND m.user_id <> cm.user_id) AS unread
    FROM channel_members cm JOIN channels c ON c.id = cm.channel_id
    WHERE cm.user_id = ? ORDER BY c.name`,
  membersOfUsersChannels: `SELECT cm.channel_id, u.id, u.name
    FROM channel_members cm JOIN users u ON u.id = cm.user_id
    WHERE cm.channel_id IN (SELECT channel_id FROM channel_members WHERE user_id = ?) ORDER BY u.name`,
  messageById: `SELECT ${MESSAGE_SELECT} WHERE m.id = ?`,
  messageByClientId: `SELECT ${MESSAGE_SELECT} WHERE m.user_id = ? AND m.client_message_id = ?`,
  messagesAfter: `SELECT ${MESSAGE_SELECT} WHERE m.channel_id = ? AND m.seq > ? ORDER BY m.seq ASC LIMIT ?`,
  messagesBefore: `SELECT ${MESSAGE_SELECT} WHERE m.channel_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?`,
  // A new message is a change too: it takes the channel's next seq and next changeSeq.
  nextSeq: `UPDATE channels SET last_seq = last_seq + 1, last_change_seq = last_change_seq + 1 WHERE id = ?
    RETURNING last_seq AS seq, last_change_seq AS change_seq`,
  insertMessage: `INSERT INTO messages
      (id, channel_id, seq, user_id, parent_id, content, client_message_id, created_at, updated_at, mentions,
       change_seq, files)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  // Search (search-index.ts): the new messages the index has not reached, indexed in one statement.
  searchGap: `SELECT up_to_rowid AS indexed, COALESCE((SELECT MAX(rowid) FROM messages), 0) AS stored
    FROM search_indexed`,
  indexMessagesIn: `INSERT INTO messages_fts (rowid, content)
    SELECT rowid, content FROM messages WHERE rowid > ? AND rowid <= ? ORDER BY rowid`,
  setSearchIndexed: 'UPDATE search_indexed SET up_to_rowid = ?',
  filesStored: 'SELECT COUNT(*) AS n FROM files WHERE id IN (SELECT value FROM json_each(?))',
  linkFile:
    'INSERT INTO message_files (message_id, file_id, channel_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  markFilePosted: 'UPDATE files SET posted_at = COALESCE(posted_at, ?) WHERE id = ?',
  deleteUnposted: `DELETE FROM files WHERE ${UNPOSTED_BEFORE} RETURNING *`,
  raiseReadSeq: `UPDATE channel_members SET last_read_seq = MAX(last_read_seq, ?)
    WHERE channel_id = ? AND user_id = ?`,
  receiptsOf: `SELECT message_id, user_id, status, at FROM receipts
    WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY at, user_id`,
  receipt: 'SELECT status, at FROM receipts WHERE message_id = ? AND user_id = ?',
  devicePosition: `SELECT last_seq FROM device_positions WHERE user_id = ? AND device_id = ? AND channel_id = ?`,
  setDevicePosition: `INSERT INTO device_positions (user_id, device_id, channel_id, last_seq) VALUES (?, ?, ?, ?)
    ON CONFLICT (user_id, device_id, channel_id) DO UPDATE SET last_seq = excluded.last_seq`,
  upsertReceipt: `INSERT INTO receipts (message_id, user_id, status, at) VALUES (?, ?, ?, ?)
    ON CONFLICT (message_id, user_id) DO UPDATE SET status = excluded.status, at = excluded.at`,
  // Messages that change (store/changes.ts).
  appliedOp: 'SELECT answer FROM applied_ops WHERE user_id = ? AND op_id = ?',
  insertAppliedOp: 'INSERT INTO applied_ops (user_id, op_id, answer, applied_at) VALUES (?, ?, ?, ?)',
  nextChangeSeq: `UPDATE channels SET last_change_seq = last_change_seq + 1 WHERE id = ?
    RETURNING last_change_seq AS change_seq`,
  updateMessage: `UPDATE messages SET content = ?, edited_at = ?, deleted = ?, mentions = ?, reactions = ?,
    change_seq = ?, updated_at = ? WHERE id = ?`,
  // A deleted message's files: no longer readable through it, and unposted (collected as orphans) when no
  // other message carries them (files/orphans.ts).
  unlinkFiles: 'DELETE FROM message_files WHERE message_id = ? RETURNING file_id',
  unpostFiles: `UPDATE files SET posted_at = NULL WHERE id IN (SELECT value FROM json_each(?))
    AND NOT EXISTS (SELECT 1 FROM message_files mf WHERE mf.file_id = files.id)`,
  changesAfter: `SELECT ${MESSAGE_SELECT} WHERE m.channel_id = ? AND m.change_seq > ?
    ORDER BY m.change_seq ASC LIMIT ?`,
  preferences: 'SELECT notify, muted FROM channel_preferences WHERE channel_id = ? AND user_id = ?',
  setPreferences: `INSERT INTO channel_preferences (channel_id, user_id, notify, muted) VALUES (?, ?, ?, ?)
    ON CONFLICT (channel_id, user_id) DO UPDATE SET notify = excluded.notify, muted = excluded.muted`,
  // The caller's channels only (or the one asked for, when they are in it); a tombstone's content is ''.
  search: `SELECT ${MESSAGE_SELECT}
    WHERE m.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?) AND m.deleted = 0
      AND m.channel_id IN (SELECT channel_id FROM channel_members WHERE user_id = ?)
      AND (? IS NULL OR m.channel_id = ?)
    ORDER BY m.created_at DESC, m.id DESC LIMIT ?`,
} as const;

export type Statements<K extends keyof typeof SQL> = { [N in K]: Database.Statement };

/** Prepares the named statements once, on this connection. */
export function prepare<K extends keyof typeof SQL>(
  db: Database.Database,
  names: readonly K[],
): Statements<K> {
  return Object.fromEntries(names.map((name) => [name, db.prepare(SQL[name])])) as Statements<K>;
}
