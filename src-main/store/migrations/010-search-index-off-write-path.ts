/**
 * Figures 6 and 12: the search index leaves the durable write path. Migration 008's triggers updated the
 * FTS5 index inside every message write: a third of the WAL pages of a send (a new index segment per
 * commit), and most of a catch-up of 10,000 edits. Now a trigger only notes the message's rowid in
 * `search_pending` (one small row, same transaction), and message-search.ts brings the index up to date
 * in bounded batches: on the core's idle tick and before every search, so a search never sees a stale
 * index.
 *
 * The index keeps its external content (the text lives once, in messages), whose rows can only be taken
 * out of the index with the text they were indexed with: `indexed` keeps that text from the first change
 * after the last catch-up (NULL: the rowid is not in the index). `INSERT OR IGNORE` keeps the first, so
 * any number of edits before the index catches up take out exactly what went in.
 *
 * Idempotent, and nothing to rebuild: 008's triggers left the index exactly in step with messages.
 *
 * One index page less a send, too: a send's operation is found by its op id (the message's key), so
 * message_key is indexed only for the other kinds (store queries name `kind != 'send'` to use it).
 */
export default /* sql */ `
DROP TRIGGER IF EXISTS messages_fts_insert;
DROP TRIGGER IF EXISTS messages_fts_delete;
DROP TRIGGER IF EXISTS messages_fts_update;

CREATE TABLE IF NOT EXISTS search_pending (
  message_rowid INTEGER PRIMARY KEY,
  indexed       TEXT
);

CREATE TRIGGER IF NOT EXISTS search_pending_insert AFTER INSERT ON messages BEGIN
  INSERT OR IGNORE INTO search_pending (message_rowid, indexed) VALUES (new.rowid, NULL);
END;
CREATE TRIGGER IF NOT EXISTS search_pending_update AFTER UPDATE OF content ON messages
WHEN old.content IS NOT new.content BEGIN
  INSERT OR IGNORE INTO search_pending (message_rowid, indexed) VALUES (old.rowid, old.content);
END;
CREATE TRIGGER IF NOT EXISTS search_pending_delete AFTER DELETE ON messages BEGIN
  INSERT OR IGNORE INTO search_pending (message_rowid, indexed) VALUES (old.rowid, old.content);
END;

DROP INDEX IF EXISTS operations_by_message;
CREATE INDEX operations_by_message ON operations (message_key) WHERE kind != 'send';
`;
