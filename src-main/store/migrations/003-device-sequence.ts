/**
 * Order by construction (issue 11): this installation's device id and, per channel, the last number given
 * to an operation we send (messages now; edits, deletes and reactions share the sequence). Outbox rows
 * queued before this version are numbered in queue order.
 */
export default /* sql */ `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE device_sequences (
  channel_id TEXT PRIMARY KEY,
  last_seq   INTEGER NOT NULL
);

ALTER TABLE outbox ADD COLUMN device_seq INTEGER NOT NULL DEFAULT 0;
UPDATE outbox SET device_seq = (
  SELECT count(*) FROM outbox o WHERE o.channel_id = outbox.channel_id AND o.ord <= outbox.ord
);
INSERT INTO device_sequences (channel_id, last_seq) SELECT channel_id, max(device_seq) FROM outbox GROUP BY channel_id;
CREATE INDEX outbox_by_device_seq ON outbox (state, channel_id, device_seq);
`;
