-- A new message enters the search index from the writer thread, once per group commit for the whole batch
-- (store/sqlite/writes.ts), in the batch's transaction: with this trigger, FTS5 wrote a new index segment
-- for every message (each statement that touches an FTS5 table flushes its pending terms), and then merged
-- them. Edits and deletions keep their triggers.
DROP TRIGGER messages_fts_insert;
