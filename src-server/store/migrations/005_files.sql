-- Files (issue 17). An upload is a row here and its bytes in the blob store under its sha256 (files/);
-- several rows may share one blob. posted_at stays NULL until a message carries the file: unposted rows
-- older than 24 h are collected (files/orphans.ts).
CREATE TABLE files (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  sha256 TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  mime TEXT NOT NULL,
  created_at TEXT NOT NULL,
  posted_at TEXT
);
CREATE INDEX files_by_sha256 ON files (sha256);
CREATE INDEX files_unposted ON files (created_at) WHERE posted_at IS NULL;

-- Which message (so which channel) carries a file: who may download it is decided here.
CREATE TABLE message_files (
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  file_id TEXT NOT NULL REFERENCES files (id),
  channel_id TEXT NOT NULL REFERENCES channels (id),
  PRIMARY KEY (message_id, file_id)
) WITHOUT ROWID;
CREATE INDEX message_files_by_file ON message_files (file_id, channel_id);

-- What a message shows of its files ([{id, name, size, mime}] as JSON), written once with the message:
-- a history page reads it without a join.
ALTER TABLE messages ADD COLUMN files TEXT;
