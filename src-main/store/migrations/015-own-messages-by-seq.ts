/**
 * Issue 16 (bench figure 13): our own messages the server numbered, by channel and seq.
 *
 * At a cold start each channel's reads made here past the server's read position are counted
 * (`LocalStore.readAhead`: others' messages in a range of seqs). `own` is in no index, so the count read
 * every message of the range row by row: 8-15 ms on a core a channel for figure 13's 2,500 cached
 * messages read, twenty such turns at the start of the catch-up. With this index the count is two index
 * ranges, every message of the range (`messages_by_seq`) less our own in it (this one), neither reading
 * a row.
 *
 * Partial, so only our own messages with a seq have an entry: an others' message stored (a catch-up, a
 * live arrival) and a send queued (no seq yet) write nothing here; an ack of our send (it gets its seq)
 * and our message sent from another device write one entry each.
 */
export default /* sql */ `
CREATE INDEX messages_own_by_seq ON messages (channel_id, seq) WHERE own = 1 AND seq IS NOT NULL;
`;
