-- Messages that change (issue 14), as SQLite's migrations/004: edits, tombstones, mentions, reactions,
-- a per-channel change counter, applied operation ids, channel preferences and full-text search.
ALTER TABLE messages ADD COLUMN edited_at timestamptz;
ALTER TABLE messages ADD COLUMN deleted boolean NOT NULL DEFAULT false;
-- JSON text, as in SQLite: [userId] and [{emoji, userIds}], read and written whole with the row.
ALTER TABLE messages ADD COLUMN mentions text NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN reactions text NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN change_seq integer NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN last_change_seq integer NOT NULL DEFAULT 0;
UPDATE messages SET change_seq = seq;
UPDATE channels SET last_change_seq = last_seq;
CREATE INDEX messages_by_change ON messages (channel_id, change_seq);

CREATE TABLE applied_ops (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  op_id text NOT NULL,
  answer text NOT NULL,
  applied_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, op_id)
);

CREATE TABLE channel_preferences (
  channel_id text NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  notify text NOT NULL CHECK (notify IN ('all', 'mentions', 'none')),
  muted boolean NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);

-- Full-text search: a generated tsvector (always in step with the content, in the same transaction; a
-- deletion empties both) under a GIN index. 'simple': no stemming, as SQLite's FTS5 unicode61.
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED;
CREATE INDEX messages_search ON messages USING gin (search);
