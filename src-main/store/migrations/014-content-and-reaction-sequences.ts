/**
 * Issue 16: a message's text and its reactions each keep the changeSeq of the state held.
 *
 * The server numbers every change of a channel (new, edited, deleted, reacted) with its next changeSeq,
 * and the app kept one `change_seq` a message, refusing any state older than it. A reaction (heard live,
 * or the ack of our own) raised it without touching the text, so an edit made while away, coming from a
 * changes page answered before the reaction, was refused as older and the catch-up ended "caught up" with
 * the old text. Now the text (with its edit time, deletion and mentions) is compared with `content_seq`
 * and the reactions with `reactions_seq`; `change_seq` stays the newest of the two (what
 * `MAX_CHANGE_SEQ_SQL` reads).
 *
 * NULL means "as `change_seq`": what every message held before this migration was (its one sequence said
 * the state of both), and what a message is when first stored. So the migration adds two columns and
 * rewrites nothing (a 60,000-message cache is not copied), inserts stay as they were, and every write of
 * a message's changing fields writes both numbers (store/message-state.ts).
 */
export default /* sql */ `
ALTER TABLE messages ADD COLUMN content_seq INTEGER;
ALTER TABLE messages ADD COLUMN reactions_seq INTEGER;
`;
