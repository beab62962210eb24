-- Files (issue 17), as SQLite's migrations/004: upload rows (bytes in the blob store by sha256), the
-- messages that carry them, and the files a message shows (JSON text, written once with it).
CREATE TABLE files (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  sha256 text NOT NULL,
  name text NOT NULL,
  size bigint NOT NULL,
  mime text NOT NULL,
  created_at timestamptz NOT NULL,
  posted_at timestamptz
);
CREATE INDEX files_by_sha256 ON files (sha256);
CREATE INDEX files_unposted ON files (created_at) WHERE posted_at IS NULL;

CREATE TABLE message_files (
  message_id text NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  file_id text NOT NULL REFERENCES files (id),
  channel_id text NOT NULL REFERENCES channels (id),
  PRIMARY KEY (message_id, file_id)
);
CREATE INDEX message_files_by_file ON message_files (file_id, channel_id);

ALTER TABLE messages ADD COLUMN files text;
