-- The workspace (issue 13), as SQLite's migrations/003: roles and a token version on users, channel
-- kinds and settings, hashed one-time invites.
ALTER TABLE users ADD COLUMN admin boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;

ALTER TABLE channels ADD COLUMN kind text NOT NULL DEFAULT 'channel' CHECK (kind IN ('channel', 'dm'));
ALTER TABLE channels ADD COLUMN private boolean NOT NULL DEFAULT false;
ALTER TABLE channels ADD COLUMN topic text NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN archived boolean NOT NULL DEFAULT false;
ALTER TABLE channels ADD COLUMN created_by text REFERENCES users (id);

CREATE TABLE invites (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
