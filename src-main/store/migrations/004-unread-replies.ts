/**
 * Issue 12: a thread reply is read when its thread is shown, not when its channel is. Replies that
 * arrived (live or in a catch-up) while their thread was not shown are flagged until it is; those in
 * a thread the user is in count as unread. Replies already held count as read.
 */
export default /* sql */ `
ALTER TABLE messages ADD COLUMN reply_unread INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_unread_replies ON messages (channel_id, parent_id) WHERE reply_unread = 1;
`;
