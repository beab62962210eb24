/**
 * The first schema. Timestamps the core computes (outbox scheduling) are epoch milliseconds;
 * timestamps that come from the server stay ISO strings, as the server sent them.
 */
export default /* sql */ `
CREATE TABLE channels (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  members_json  TEXT NOT NULL,
  position      INTEGER NOT NULL,
  last_seq      INTEGER NOT NULL DEFAULT 0,
  -- The server's unread count at server_seq; unread = server_unread + others' messages after both.
  server_seq    INTEGER NOT NULL DEFAULT 0,
  server_unread INTEGER NOT NULL DEFAULT 0,
  read_seq      INTEGER NOT NULL DEFAULT 0,
  -- Highest seq fetched contiguously from the server: catch-up resumes after it. NULL: never synced.
  cursor        INTEGER,
  muted         INTEGER NOT NULL DEFAULT 0,
  draft         TEXT NOT NULL DEFAULT ''
);

CREATE TABLE messages (
  -- The stable local key: the clientMessageId of our own sends, else the server id.
  key               TEXT PRIMARY KEY,
  id                TEXT UNIQUE,
  client_message_id TEXT UNIQUE,
  channel_id        TEXT NOT NULL,
  parent_id         TEXT,
  author_id         TEXT NOT NULL,
  author_name       TEXT NOT NULL,
  content           TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  seq               INTEGER,
  own               INTEGER NOT NULL,
  -- Own messages only: SENDING, SENT, DELIVERED, READ or FAILED.
  status            TEXT,
  failure_code      TEXT,
  failure_message   TEXT
);
CREATE UNIQUE INDEX messages_by_seq ON messages (channel_id, seq) WHERE seq IS NOT NULL;
CREATE INDEX messages_by_parent ON messages (parent_id) WHERE parent_id IS NOT NULL;

-- Unsent messages, FIFO per channel by ord.
CREATE TABLE outbox (
  ord               INTEGER PRIMARY KEY AUTOINCREMENT,
  client_message_id TEXT NOT NULL UNIQUE,
  channel_id        TEXT NOT NULL,
  content           TEXT NOT NULL,
  parent_id         TEXT,
  -- When it was queued (or retried by hand): the retry window runs from here.
  queued_at         INTEGER NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  next_attempt_at   INTEGER NOT NULL DEFAULT 0,
  state             TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
  failure_code      TEXT,
  failure_message   TEXT
);
CREATE INDEX outbox_by_channel ON outbox (state, channel_id, ord);

-- Receipts others gave our messages, one row per recipient; may arrive before the message.
CREATE TABLE receipts (
  message_id TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  status     TEXT NOT NULL,
  at         TEXT NOT NULL,
  PRIMARY KEY (message_id, user_id)
);

-- Receipts we owe the server for others' messages: the highest status wanted, sent when connected.
CREATE TABLE receipt_outbox (
  message_id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  status     TEXT NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0
);
`;
