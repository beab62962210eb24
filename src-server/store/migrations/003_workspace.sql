-- The workspace (issue 13): people with roles and a token version, channel kinds and settings, invites.
-- An invited user has no password yet: password_hash '' never verifies (auth/passwords.ts).
ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
-- Carried by every token; raised by deactivation, a password change or signing out everywhere, which
-- makes every earlier token fail at once.
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;

-- A direct message is kind 'dm', named 'dm:' + a digest of its sorted member ids: the UNIQUE name is
-- what finds the same set of people again, even when two of them start it at the same moment.
ALTER TABLE channels ADD COLUMN kind TEXT NOT NULL DEFAULT 'channel' CHECK (kind IN ('channel', 'dm'));
ALTER TABLE channels ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN created_by TEXT REFERENCES users (id);

-- One-time sign-up links: only a SHA-256 of the token is kept, so a copy of the database opens nothing.
CREATE TABLE invites (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at TEXT NOT NULL,
  used_at TEXT
) WITHOUT ROWID;
