-- Users, channels, memberships, messages and per-recipient receipts.
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE channels (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  -- The last seq handed out in this channel; bumped in the same transaction as the insert.
  last_seq INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE channel_members (
  channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- The highest seq this member marked read or sent: unread counts agree across devices.
  last_read_seq INTEGER NOT NULL DEFAULT 0,
  joined_at TEXT NOT NULL,
  PRIMARY KEY (channel_id, user_id)
) WITHOUT ROWID;

CREATE INDEX channel_members_by_user ON channel_members (user_id);

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id),
  parent_id TEXT REFERENCES messages (id),
  content TEXT NOT NULL,
  client_message_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (channel_id, seq),
  -- Exactly one message per send, however often a client retries (NULLs are distinct in SQLite).
  UNIQUE (user_id, client_message_id)
);

CREATE TABLE receipts (
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('DELIVERED', 'READ')),
  at TEXT NOT NULL,
  PRIMARY KEY (message_id, user_id)
) WITHOUT ROWID;
