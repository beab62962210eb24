/**
 * Bench figure 6: three pages less in every send's commit (BENCHMARKS.md, "Figure 6: three pages off the send").
 *
 * 1. `operations.ord` loses AUTOINCREMENT, which wrote `sqlite_sequence` in every transaction that queued
 *    an operation. A new row now takes its place from the queue itself (device-sequence.ts, `nextOrd`:
 *    after every row queued, and after every place this process gave, so a place freed by an ack is never
 *    given again while the outbox's in-memory cursor, `lane.after`, may still name it). What FIFO needs
 *    across restarts holds as before: among the rows that exist, `(device_seq, ord)` is the order they
 *    were queued in. SQLite cannot drop AUTOINCREMENT in place: the table is rebuilt, same rows, same
 *    `ord`s, same indexes (those of 010 and 011).
 *
 * 2. An inserted message no longer writes a `search_pending` row: the index keeps a high-water rowid
 *    (`search_progress.upto`), and every message above it is indexed by the next batch
 *    (message-search.ts). Edits and deletes of messages at or below it still leave their note (the text
 *    the index holds, to take out); one above it is not in the index yet, so it needs none. A rowid at or
 *    below the mark that is freed by a delete and given again is covered either way: its note is still
 *    there (the batch takes the old text out and indexes the new row), or the batch that took the note
 *    lowered the mark under it (no message above the highest rowid exists, so nothing is indexed twice).
 *    Every message existing now is indexed or noted (010's invariant), so the mark starts at the highest
 *    rowid and nothing is rebuilt.
 *
 * 3. A send no longer writes `device_sequences`: the channel's last number given is the highest of the
 *    row there and the numbers of its pending operations (device-sequence.ts). The row is raised only
 *    when a number leaves the pending set, by these triggers, in the transaction that takes it out (an
 *    ack, a cancel, a failure), so the highest of the two is always what the row held before 012; a
 *    renumbering (`restartAt`) still sets the row itself.
 */
export default /* sql */ `
CREATE TABLE operations_new (
  ord             INTEGER PRIMARY KEY,
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
  file_path       TEXT,
  file_name       TEXT,
  file_mime       TEXT,
  file_size       INTEGER,
  files_json      TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO operations_new (ord, op_id, kind, channel_id, message_key, content, parent_id, emoji, queued_at,
                            attempts, next_attempt_at, state, failure_code, failure_message, device_seq,
                            file_path, file_name, file_mime, file_size, files_json)
  SELECT ord, op_id, kind, channel_id, message_key, content, parent_id, emoji, queued_at,
         attempts, next_attempt_at, state, failure_code, failure_message, device_seq,
         file_path, file_name, file_mime, file_size, files_json
  FROM operations;
DROP TABLE operations;
ALTER TABLE operations_new RENAME TO operations;
CREATE INDEX operations_in_order ON operations (state, channel_id, device_seq, ord);
CREATE INDEX operations_by_message ON operations (message_key) WHERE kind != 'send';

CREATE TRIGGER device_sequence_on_delete AFTER DELETE ON operations WHEN old.state = 'pending' BEGIN
  INSERT OR IGNORE INTO device_sequences (channel_id, last_seq) VALUES (old.channel_id, 0);
  UPDATE device_sequences SET last_seq = max(last_seq, old.device_seq) WHERE channel_id = old.channel_id;
END;
CREATE TRIGGER device_sequence_on_fail AFTER UPDATE OF state ON operations
WHEN old.state = 'pending' AND new.state != 'pending' BEGIN
  INSERT OR IGNORE INTO device_sequences (channel_id, last_seq) VALUES (old.channel_id, 0);
  UPDATE device_sequences SET last_seq = max(last_seq, old.device_seq) WHERE channel_id = old.channel_id;
END;

CREATE TABLE search_progress (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  upto INTEGER NOT NULL
);
INSERT INTO search_progress (id, upto) SELECT 1, coalesce(max(rowid), 0) FROM messages;

DROP TRIGGER search_pending_insert;
DROP TRIGGER search_pending_update;
DROP TRIGGER search_pending_delete;
CREATE TRIGGER search_pending_update AFTER UPDATE OF content ON messages
WHEN old.content IS NOT new.content AND old.rowid <= (SELECT upto FROM search_progress) BEGIN
  INSERT OR IGNORE INTO search_pending (message_rowid, indexed) VALUES (old.rowid, old.content);
END;
CREATE TRIGGER search_pending_delete AFTER DELETE ON messages
WHEN old.rowid <= (SELECT upto FROM search_progress) BEGIN
  INSERT OR IGNORE INTO search_pending (message_rowid, indexed) VALUES (old.rowid, old.content);
END;
`;
