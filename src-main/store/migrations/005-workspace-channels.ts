/**
 * Issue 13: channels carry the workspace's fields, so the list can show direct messages apart,
 * a private lock, the topic, and refuse sends into an archived channel before they are queued.
 */
export default /* sql */ `
ALTER TABLE channels ADD COLUMN kind TEXT NOT NULL DEFAULT 'channel';
ALTER TABLE channels ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN created_by TEXT;
`;
