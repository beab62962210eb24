-- Users, channels, memberships, messages and per-recipient receipts: the SQLite schema (migrations/001),
-- in PostgreSQL types. Ids stay text, as in SQLite: a malformed id is simply not found, never a type error.
CREATE TABLE users (
  id text PRIMARY KEY,
  username text NOT NULL UNIQUE,
  name text NOT NULL,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE channels (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  -- The last seq handed out in this channel; bumped in the same transaction as the insert, whose row
  -- lock serialises the writers of one channel across every server instance.
  last_seq integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL
);

CREATE TABLE channel_members (
  channel_id text NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- The highest seq this member marked read or sent: unread counts agree across devices.
  last_read_seq integer NOT NULL DEFAULT 0,
  joined_at timestamptz NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);

CREATE INDEX channel_members_by_user ON channel_members (user_id);

CREATE TABLE messages (
  id text PRIMARY KEY,
  channel_id text NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  user_id text NOT NULL REFERENCES users (id),
  parent_id text REFERENCES messages (id),
  content text NOT NULL,
  client_message_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (channel_id, seq),
  -- Exactly one message per send, however often a client retries (NULLs are distinct by default).
  UNIQUE (user_id, client_message_id)
);

CREATE TABLE receipts (
  message_id text NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('DELIVERED', 'READ')),
  at timestamptz NOT NULL,
  PRIMARY KEY (message_id, user_id)
);
