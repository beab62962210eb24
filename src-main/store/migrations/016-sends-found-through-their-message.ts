/**
 * Bench figure 6: one B-tree less in every send's commit, and in every ack's (BENCHMARKS.md, "enqueue26").
 *
 * A send wrote five B-trees: its message row, `messages_by_client_id`, its operation row,
 * `operations_in_order` and the operation's `op_id` (a UNIQUE column: an index of its own). The last
 * repeats the second: a send's op id is its message's clientMessageId. Now a send's operation is found
 * through its message, which keeps the send's place in the queue (`messages.send_ord`, the operation's
 * `ord`, its rowid): `messages_by_client_id`, then the operations table by rowid. Changes and uploads
 * keep an op_id index (`operations_by_op_id`, partial: `WHERE kind != 'send'`, so a query names
 * `kind != 'send'` to use it). Every op id stays unique as before: a change's or an upload's by that index,
 * a send's by `messages_by_client_id` (one message a clientMessageId, one send a message), and a send's
 * against a change's or an upload's by `operations_one_per_op_id` (review26: without it the queue took a
 * change with an unsent send's op id, which 015's UNIQUE op_id refused; a send pays one probe of the
 * partial index for it).
 *
 * `send_ord` is written with the message (store.ts `insertOwn`) and again when a retry gives the send a new
 * place; a pointer left behind (the send acknowledged or dropped) names no row, as every lookup through it
 * also checks the op id and the kind (rows.ts `SEND_OF_KEY`, `OPERATION_BY_ID`). The table is rebuilt to drop
 * the UNIQUE constraint (SQLite cannot drop it in place): same rows, same `ord`s, the indexes and the
 * device-sequence triggers of 012. The queued sends' messages get their pointer.
 */
export default /* sql */ `
CREATE TABLE operations_new (
  ord             INTEGER PRIMARY KEY,
  op_id           TEXT NOT NULL,
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
INSERT INTO operations_new SELECT * FROM operations;
DROP TABLE operations;
ALTER TABLE operations_new RENAME TO operations;
CREATE INDEX operations_in_order ON operations (state, channel_id, device_seq, ord);
CREATE INDEX operations_by_message ON operations (message_key) WHERE kind != 'send';
CREATE UNIQUE INDEX operations_by_op_id ON operations (op_id) WHERE kind != 'send';
CREATE TRIGGER operations_one_per_op_id BEFORE INSERT ON operations
WHEN (new.kind = 'send' AND EXISTS (SELECT 1 FROM operations WHERE op_id = new.op_id AND kind != 'send'))
  OR (new.kind != 'send' AND EXISTS (
    SELECT 1 FROM messages m JOIN operations o ON o.ord = m.send_ord
    WHERE m.client_message_id = new.op_id AND o.op_id = new.op_id AND o.kind = 'send'))
BEGIN
  SELECT RAISE(ABORT, 'UNIQUE constraint failed: operations.op_id');
END;

CREATE TRIGGER device_sequence_on_delete AFTER DELETE ON operations WHEN old.state = 'pending' BEGIN
  INSERT OR IGNORE INTO device_sequences (channel_id, last_seq) VALUES (old.channel_id, 0);
  UPDATE device_sequences SET last_seq = max(last_seq, old.device_seq) WHERE channel_id = old.channel_id;
END;
CREATE TRIGGER device_sequence_on_fail AFTER UPDATE OF state ON operations
WHEN old.state = 'pending' AND new.state != 'pending' BEGIN
  INSERT OR IGNORE INTO device_sequences (channel_id, last_seq) VALUES (old.channel_id, 0);
  UPDATE device_sequences SET last_seq = max(last_seq, old.device_seq) WHERE channel_id = old.channel_id;
END;

ALTER TABLE messages ADD COLUMN send_ord INTEGER;
UPDATE messages SET send_ord = o.ord FROM operations o WHERE o.kind = 'send' AND o.op_id = messages.client_message_id;
`;
