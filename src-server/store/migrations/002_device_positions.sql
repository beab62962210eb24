-- Order by construction (interface.md): the last deviceSeq used (accepted or refused for good) by each
-- device of a user in each channel. Moved in the same transaction as the message it numbers.
CREATE TABLE device_positions (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  device_id TEXT NOT NULL,
  channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_id, channel_id)
) WITHOUT ROWID;
