/**
 * Bench figures 2, 6 and 13: two B-trees less in every message write (BENCHMARKS.md, "index13").
 *
 * A message's local `key` is always one of its other two identities: the clientMessageId of a send made
 * here, else the server id. It was still a B-tree of its own (`key TEXT PRIMARY KEY` on a rowid table),
 * so every new message wrote the same random UUID into two unique indexes (key and client_message_id
 * for a send, key and id for others' messages), and both unique indexes held an entry for every NULL
 * (an unsent send has no id, others' messages no client_message_id): a send's commit wrote 5 B-trees of
 * messages, a caught-up message 4 (`bench/store-writes.ts`: 8.65 WAL pages an enqueue, 4.1 a caught-up
 * message in chunks of 25).
 *
 * Now `key` is a plain column, checked to repeat one of the two (`key IS client_message_id OR key IS
 * id`), and found through them: `(client_message_id = @key OR id = @key) AND key = @key` (store.ts,
 * `BY_KEY`), two index seeks. The two unique indexes are partial, `WHERE … IS NOT NULL`: an index entry
 * only where there is a value, so a send writes the table and its client_message_id, a caught-up message
 * the table and its id (and `messages_by_seq` as before). Uniqueness is what it was for id and
 * client_message_id. `key` itself is no longer unique by constraint: two rows could share one only if a
 * send's clientMessageId equalled another message's server id, two UUIDs made apart.
 *
 * The table keeps its rowids (the search index, `search_pending` and `search_progress` name messages by
 * rowid), its columns in the same order (`SELECT *` rows are unchanged), its other indexes and the two
 * search triggers of 012, which go with the old table and are made again.
 */
export default /* sql */ `
CREATE TABLE messages_new (
  -- The stable local key: the clientMessageId of our own sends, else the server id (one of the two).
  key               TEXT NOT NULL CHECK (key IS client_message_id OR key IS id),
  id                TEXT,
  client_message_id TEXT,
  channel_id        TEXT NOT NULL,
  parent_id         TEXT,
  author_id         TEXT NOT NULL,
  author_name       TEXT NOT NULL,
  content           TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  seq               INTEGER,
  own               INTEGER NOT NULL,
  status            TEXT,
  failure_code      TEXT,
  failure_message   TEXT,
  reply_unread      INTEGER NOT NULL DEFAULT 0,
  files_json        TEXT,
  edited_at         TEXT,
  deleted           INTEGER NOT NULL DEFAULT 0,
  mentions_json     TEXT NOT NULL DEFAULT '[]',
  reactions_json    TEXT NOT NULL DEFAULT '[]',
  change_seq        INTEGER NOT NULL DEFAULT 0
);
INSERT INTO messages_new (rowid, key, id, client_message_id, channel_id, parent_id, author_id, author_name,
                          content, created_at, seq, own, status, failure_code, failure_message, reply_unread,
                          files_json, edited_at, deleted, mentions_json, reactions_json, change_seq)
  SELECT rowid, key, id, client_message_id, channel_id, parent_id, author_id, author_name,
         content, created_at, seq, own, status, failure_code, failure_message, reply_unread,
         files_json, edited_at, deleted, mentions_json, reactions_json, change_seq
  FROM messages ORDER BY rowid;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;

CREATE UNIQUE INDEX messages_by_id ON messages (id) WHERE id IS NOT NULL;
CREATE UNIQUE INDEX messages_by_client_id ON messages (client_message_id) WHERE client_message_id IS NOT NULL;
CREATE UNIQUE INDEX messages_by_seq ON messages (channel_id, seq) WHERE seq IS NOT NULL;
CREATE INDEX messages_by_parent ON messages (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX messages_unread_replies ON messages (channel_id, parent_id) WHERE reply_unread = 1;

CREATE TRIGGER search_pending_update AFTER UPDATE OF content ON messages
WHEN old.content IS NOT new.content AND old.rowid <= (SELECT upto FROM search_progress) BEGIN
  INSERT OR IGNORE INTO search_pending (message_rowid, indexed) VALUES (old.rowid, old.content);
END;
CREATE TRIGGER search_pending_delete AFTER DELETE ON messages
WHEN old.rowid <= (SELECT upto FROM search_progress) BEGIN
  INSERT OR IGNORE INTO search_pending (message_rowid, indexed) VALUES (old.rowid, old.content);
END;
`;
