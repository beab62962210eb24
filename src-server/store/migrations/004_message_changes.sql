-- Messages that change (issue 14): edits, tombstones, mentions, reactions, a per-channel change counter,
-- applied operation ids, per-user channel preferences and full-text search.
ALTER TABLE messages ADD COLUMN edited_at TEXT;
ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
-- JSON arrays, read and written whole with the row: [userId] and [{emoji, userIds}].
ALTER TABLE messages ADD COLUMN mentions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN reactions TEXT NOT NULL DEFAULT '[]';
-- The channel's change counter when the message last changed (created, edited, deleted, reacted to).
ALTER TABLE messages ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN last_change_seq INTEGER NOT NULL DEFAULT 0;
-- Until now every change was a new message: the change counter starts where seq is.
UPDATE messages SET change_seq = seq;
UPDATE channels SET last_change_seq = last_seq;
CREATE INDEX messages_by_change ON messages (channel_id, change_seq);

-- Every change a user applied, by the opId their app made, with the answer it got: a replay gets the
-- same answer and changes nothing.
CREATE TABLE applied_ops (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  op_id TEXT NOT NULL,
  answer TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  PRIMARY KEY (user_id, op_id)
) WITHOUT ROWID;

CREATE TABLE channel_preferences (
  channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  notify TEXT NOT NULL CHECK (notify IN ('all', 'mentions', 'none')),
  muted INTEGER NOT NULL,
  PRIMARY KEY (channel_id, user_id)
) WITHOUT ROWID;

-- Full-text search over message content: an external-content FTS5 index kept by triggers, so it changes
-- in the same transaction as the message. A deletion empties the content, which takes the text out.
CREATE VIRTUAL TABLE messages_fts USING fts5(content, content = 'messages', content_rowid = 'rowid');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
  INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
