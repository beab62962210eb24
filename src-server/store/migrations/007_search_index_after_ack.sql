-- A new message enters the search index after its ack, in a second transaction of the writer thread
-- (store/sqlite/search-index.ts), no longer in the ack's commit. This row keeps the rowid the index has
-- reached; every message above it is still to be indexed (at start, after a crash between the two).
-- Under 006 each batch was indexed in its own commit: every message stored so far is in the index.
CREATE TABLE search_indexed (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  up_to_rowid INTEGER NOT NULL
);
INSERT INTO search_indexed (id, up_to_rowid) SELECT 1, COALESCE(MAX(rowid), 0) FROM messages;
