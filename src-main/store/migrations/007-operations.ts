/**
 * Issue 14: one durable queue of operations, not a message-only outbox (Signal's JobQueue shape: one
 * table, typed rows). A send, an edit, a deletion, a reaction added or removed: each is a row written in
 * the transaction of its local effect, flushed FIFO per channel. Sends keep their number in the device
 * sequence (`device_seq`); a change takes none (the server orders changes by their acks, not by number)
 * and sorts after the send it was queued behind: `(device_seq, ord)` is the channel's queue order.
 *
 * Messages gain what changes (edited, deleted, mentions, reactions as the server last said, and its
 * changeSeq); channels gain the changeSeq catch-up resumes after and the notification level.
 * Numbered 007: 005 is the workspace's (issue 13), 006 the message files (issue 17).
 */
export default /* sql */ `
CREATE TABLE operations (
  ord             INTEGER PRIMARY KEY AUTOINCREMENT,
  -- Made once, when queued; every resend (after a cut, a crash) carries the same one.
  op_id           TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL CHECK (kind IN ('send', 'edit', 'delete', 'react', 'unreact')),
  channel_id      TEXT NOT NULL,
  -- The message's local key (a send: its clientMessageId); its server id is looked up when sent.
  message_key     TEXT NOT NULL,
  content         TEXT,
  parent_id       TEXT,
  emoji           TEXT,
  queued_at       INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
  failure_code    TEXT,
  failure_message TEXT,
  device_seq      INTEGER NOT NULL
);
INSERT INTO operations (ord, op_id, kind, channel_id, message_key, content, parent_id, queued_at, attempts,
                        next_attempt_at, state, failure_code, failure_message, device_seq)
  SELECT ord, client_message_id, 'send', channel_id, client_message_id, content, parent_id, queued_at, attempts,
         next_attempt_at, state, failure_code, failure_message, device_seq
  FROM outbox;
DROP TABLE outbox;
CREATE INDEX operations_in_order ON operations (state, channel_id, device_seq, ord);
CREATE INDEX operations_by_queued_at ON operations (state, queued_at);
CREATE INDEX operations_by_message ON operations (message_key);

ALTER TABLE messages ADD COLUMN edited_at TEXT;
ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN mentions_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN reactions_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;

-- The highest changeSeq caught up through GET /api/channels/:id/changes (NULL: never).
ALTER TABLE channels ADD COLUMN change_cursor INTEGER;
ALTER TABLE channels ADD COLUMN notify TEXT NOT NULL DEFAULT 'all';
`;
