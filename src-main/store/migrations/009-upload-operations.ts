/**
 * Issue 17, the app side: a file attached to a message is an `upload` operation in the same queue, queued
 * in the transaction of its message's send and just before it (same channel, FIFO), so the send goes only
 * once its files are on the server. An upload row names the local copy (under userData, 0600) and what
 * POST /api/files needs; once uploaded it is deleted and the server's file ({id, name, size, mime}) is
 * appended to its send's `files_json` in one transaction, so a kill -9 at any point either uploads again
 * (harmless: a new id, the old upload collected unposted) or sends the files recorded.
 * SQLite cannot change a CHECK constraint in place, so the table is rebuilt (same rows, same `ord`).
 */
export default /* sql */ `
CREATE TABLE operations_new (
  ord             INTEGER PRIMARY KEY AUTOINCREMENT,
  op_id           TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL CHECK (kind IN ('send', 'edit', 'delete', 'react', 'unreact', 'upload')),
  channel_id      TEXT NOT NULL,
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
  device_seq      INTEGER NOT NULL,
  -- upload: the local copy and what the server is told about it
  file_path       TEXT,
  file_name       TEXT,
  file_mime       TEXT,
  file_size       INTEGER,
  -- send: its files uploaded so far as the message shows them ({id, name, size, mime}), in attach order
  files_json   TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO operations_new (ord, op_id, kind, channel_id, message_key, content, parent_id, emoji, queued_at,
                            attempts, next_attempt_at, state, failure_code, failure_message, device_seq)
  SELECT ord, op_id, kind, channel_id, message_key, content, parent_id, emoji, queued_at,
         attempts, next_attempt_at, state, failure_code, failure_message, device_seq
  FROM operations;
DROP TABLE operations;
ALTER TABLE operations_new RENAME TO operations;
CREATE INDEX operations_in_order ON operations (state, channel_id, device_seq, ord);
CREATE INDEX operations_by_queued_at ON operations (state, queued_at);
CREATE INDEX operations_by_message ON operations (message_key);
`;
