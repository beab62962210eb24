/** Row shapes of the local database and the local status scale. */
import type { UserSummary } from '../../src-shared/protocol';

/** Our own messages' status. SENDING and FAILED are local; the rest come from the server. */
export type LocalStatus = 'SENDING' | 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';

const RANK: Record<LocalStatus, number> = { FAILED: -2, SENDING: -1, SENT: 0, DELIVERED: 1, READ: 2 };

/** The higher of two statuses: any evidence from the server outranks a local SENDING or FAILED. */
export function higherStatus(a: LocalStatus, b: LocalStatus): LocalStatus {
  return RANK[b] > RANK[a] ? b : a;
}

export interface ChannelRow {
  id: string;
  name: string;
  members_json: string;
  position: number;
  last_seq: number;
  server_seq: number;
  server_unread: number;
  read_seq: number;
  cursor: number | null;
  muted: number;
  draft: string;
  /** The highest changeSeq caught up (NULL: never). */
  change_cursor: number | null;
  notify: 'all' | 'mentions' | 'none';
  kind: 'channel' | 'dm';
  private: number;
  topic: string;
  archived: number;
  created_by: string | null;
}

export interface MessageRow {
  key: string;
  id: string | null;
  client_message_id: string | null;
  channel_id: string;
  parent_id: string | null;
  author_id: string;
  author_name: string;
  content: string;
  created_at: string;
  seq: number | null;
  own: number;
  status: LocalStatus | null;
  failure_code: string | null;
  failure_message: string | null;
  /** Others' replies that arrived while their thread was not shown (1) until it is (0). */
  reply_unread: number;
  /** The message's files as the server sent them (JSON), or null. */
  files_json: string | null;
  // As the server last said (our queued changes are shown over them: core/message-changes.ts).
  edited_at: string | null;
  deleted: number;
  mentions_json: string;
  reactions_json: string;
  /**
   * The newest server change the row is as that change left it (MessageChanges.advanceCursor): the newest
   * of the two below, but for our own acknowledged change, which they take and this does not.
   */
  change_seq: number;
  /** The changeSeq of the text, edit time, deletion and mentions held (NULL: change_seq; migration 014). */
  content_seq: number | null;
  /** The changeSeq of the reactions held (NULL: change_seq). */
  reactions_seq: number | null;
  /**
   * The place (`operations.ord`) of this message's queued send, while one is queued: how the send is found
   * (migration 016, SEND_OF_KEY). Left behind once the send is gone, where it names no row.
   */
  send_ord: number | null;
}

export type OperationKind = 'send' | 'edit' | 'delete' | 'react' | 'unreact' | 'upload';
export type ChangeKind = Exclude<OperationKind, 'send' | 'upload'>;

/** One queued operation (the operation queue: core/README.md). */
export interface OperationRow {
  ord: number;
  /** A send's is its clientMessageId. */
  op_id: string;
  kind: OperationKind;
  channel_id: string;
  /** The message's local key (a send: its clientMessageId). */
  message_key: string;
  /** send, edit */
  content: string | null;
  parent_id: string | null;
  /** react, unreact */
  emoji: string | null;
  queued_at: number;
  attempts: number;
  next_attempt_at: number;
  state: 'pending' | 'failed';
  failure_code: string | null;
  failure_message: string | null;
  /** A send: its number in this device's sequence for the channel; a change: the send it follows. */
  device_seq: number;
  /** upload: the local copy (under userData, 0600) and what POST /api/files is told (migration 009). */
  file_path: string | null;
  file_name: string | null;
  file_mime: string | null;
  file_size: number | null;
  /** send: its files uploaded so far, as the message shows them, in attach order (a JSON array). */
  files_json: string;
}

export interface ReceiptRow {
  message_id: string;
  user_id: string;
  status: 'SENT' | 'DELIVERED' | 'READ';
  at: string;
}

export interface ReceiptOutboxRow {
  message_id: string;
  channel_id: string;
  status: 'DELIVERED' | 'READ';
  attempts: number;
}

export function members(row: ChannelRow): UserSummary[] {
  return JSON.parse(row.members_json) as UserSummary[];
}

/**
 * A message's queued send (migration 016): found through the message, which keeps the send's place
 * (`send_ord`), not through an index of its own. The op id and the kind are checked too, so a place left
 * on the message after its send went (acknowledged, dropped) names no row. Bind the message's key as `@key`.
 */
export const SEND_OF_KEY =
  "ord = (SELECT send_ord FROM messages WHERE client_message_id = @key) AND op_id = @key AND kind = 'send'";

/**
 * A change or an upload by its op id (`?`), on the partial `operations_by_op_id` (migration 016): SQLite
 * uses a partial index only for a query that names its WHERE, hence `kind != 'send'` even beside a kind.
 */
export const CHANGE_OR_UPLOAD_BY_ID = "op_id = ? AND kind != 'send'";

/**
 * One operation by its id, of any kind (migration 016): a send's through its message (SEND_OF_KEY), a
 * change's or an upload's on the partial `operations_by_op_id`. Bind the id as `@opId`. A test of
 * `state` beside it is written `+state`: SQLite (no ANALYZE here) would otherwise trade this lookup of
 * one row for `operations_in_order (state=?)`, every pending or failed row (messages-schema.test.ts).
 */
export const OPERATION_BY_ID = `ord IN (SELECT send_ord FROM messages WHERE client_message_id = @opId
    UNION ALL SELECT ord FROM operations WHERE op_id = @opId AND kind != 'send') AND op_id = @opId`;

/**
 * Deletes a message's operations: its send (SEND_OF_KEY) and every other kind (by message_key, on
 * migration 010's partial index, which a query uses only when it names its WHERE). Bind the key as `@key`.
 */
export const OPERATIONS_OF_MESSAGE_DELETE = `DELETE FROM operations WHERE (${SEND_OF_KEY}) OR (kind != 'send' AND message_key = @key)`;

/**
 * A message by its local key, on an index (migration 013): the key is its clientMessageId or its server
 * id, each a partial unique index of its own, so the key needs none. Bind the key as `@key`.
 */
export const BY_KEY = '(client_message_id = @key OR id = @key) AND key = @key';
