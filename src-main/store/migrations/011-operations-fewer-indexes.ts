/**
 * One index of the operation queue less on the write path (bench figure 6). Every queued send wrote a
 * page of `operations_by_queued_at` and every acknowledged one wrote it again to take its entry out:
 * about one WAL page in twelve of each enqueue and ack. It served only the retry-window check
 * (`queuedBefore`, `oldestQueuedAt`), which no longer runs on every send: once on a connect, a retry
 * or the window's own timer (core/outbox.ts), where reading the pending operations is cheap.
 */
export default /* sql */ `
DROP INDEX IF EXISTS operations_by_queued_at;
`;
