/**
 * Messages (and queued operations) read as raw arrays and built into rows by one object literal (bench
 * figures 12 and 6).
 * better-sqlite3 builds each row object of `SELECT *` property by property from C++, and past about 19
 * columns V8 gives such an object a dictionary of properties instead of a fixed shape: the messages
 * table has 23, so every `SELECT *` row is slow to build, to read a field of and to copy. A raw row and
 * this literal give every row one fixed shape, at about half the cost of the read.
 */
import type { MessageRow, OperationRow } from './rows';

/** The messages table's columns in the order `messageRowOf` reads them; `rowid` comes last. */
export const MESSAGE_COLUMNS_AND_ROWID = `key, id, client_message_id, channel_id, parent_id, author_id, author_name,
  content, created_at, seq, own, status, failure_code, failure_message, reply_unread, files_json, edited_at,
  deleted, mentions_json, reactions_json, change_seq, content_seq, reactions_seq, send_ord, rowid`;

/** The index of `rowid` in a raw row of MESSAGE_COLUMNS_AND_ROWID. */
export const ROWID = 24;

/** A raw row of `SELECT ${MESSAGE_COLUMNS_AND_ROWID}` as the `MessageRow` a `SELECT *` would give. */
export function messageRowOf(r: unknown[]): MessageRow {
  return {
    key: r[0] as string,
    id: r[1] as string | null,
    client_message_id: r[2] as string | null,
    channel_id: r[3] as string,
    parent_id: r[4] as string | null,
    author_id: r[5] as string,
    author_name: r[6] as string,
    content: r[7] as string,
    created_at: r[8] as string,
    seq: r[9] as number | null,
    own: r[10] as number,
    status: r[11] as MessageRow['status'],
    failure_code: r[12] as string | null,
    failure_message: r[13] as string | null,
    reply_unread: r[14] as number,
    files_json: r[15] as string | null,
    edited_at: r[16] as string | null,
    deleted: r[17] as number,
    mentions_json: r[18] as string,
    reactions_json: r[19] as string,
    change_seq: r[20] as number,
    content_seq: r[21] as number | null,
    reactions_seq: r[22] as number | null,
    send_ord: r[23] as number | null,
  };
}

/**
 * The operations table's columns in the order `operationRowOf` reads them: 20, so a `SELECT *` row of
 * the queue has a dictionary of properties too (the outbox's pump reads a window of them after every
 * ack batch: bench figure 6).
 */
export const OPERATION_COLUMNS = `ord, op_id, kind, channel_id, message_key, content, parent_id, emoji, queued_at,
  attempts, next_attempt_at, state, failure_code, failure_message, device_seq, file_path, file_name, file_mime,
  file_size, files_json`;

/** A raw row of `SELECT ${OPERATION_COLUMNS}` as the `OperationRow` a `SELECT *` would give. */
export function operationRowOf(r: unknown[]): OperationRow {
  return {
    ord: r[0] as number,
    op_id: r[1] as string,
    kind: r[2] as OperationRow['kind'],
    channel_id: r[3] as string,
    message_key: r[4] as string,
    content: r[5] as string | null,
    parent_id: r[6] as string | null,
    emoji: r[7] as string | null,
    queued_at: r[8] as number,
    attempts: r[9] as number,
    next_attempt_at: r[10] as number,
    state: r[11] as OperationRow['state'],
    failure_code: r[12] as string | null,
    failure_message: r[13] as string | null,
    device_seq: r[14] as number,
    file_path: r[15] as string | null,
    file_name: r[16] as string | null,
    file_mime: r[17] as string | null,
    file_size: r[18] as number | null,
    files_json: r[19] as string,
  };
}
