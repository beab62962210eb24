/**
 * The retry-window check (`queuedBefore`, `oldestQueuedAt`) runs whenever a message is queued:
 * without this index it read the whole outbox each time, which grew with the queue.
 */
export default /* sql */ `
CREATE INDEX outbox_by_queued_at ON outbox (state, queued_at);
`;
