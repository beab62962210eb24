/** SQLite rows and their mapping to the shared protocol shapes. */
// From protocol/codes, not the protocol's index: the writer thread loads this file, and needs no zod.
import type {
  Channel,
  ChannelKind,
  Message,
  Reaction,
  Receipt,
  UserSummary,
} from '../../src-shared/protocol';
import { MessageDeliveryStatus, maxStatus } from '../../src-shared/protocol/codes';
import type { ChannelRecord, FileRecord, NewMessage, ReceiptStatus, UserRecord } from './types';

export interface UserRow {
  id: string;
  username: string;
  name: string;
  password_hash: string;
  /** 0/1 in SQLite, boolean in PostgreSQL. */
  admin: number | boolean;
  active: number | boolean;
  token_version: number;
}

export interface MessageRow {
  id: string;
  channel_id: string;
  seq: number;
  user_id: string;
  user_name: string;
  parent_id: string | null;
  content: string;
  client_message_id: string | null;
  created_at: string;
  updated_at: string;
  /** The message's files as JSON ([{id, name, size, mime}]), or null. */
  files: string | null;
  edited_at: string | null;
  /** 0/1 in SQLite, boolean in PostgreSQL. */
  deleted: number | boolean;
  /** JSON: [userId]. */
  mentions: string;
  /** JSON: [{emoji, userIds}]. */
  reactions: string;
  change_seq: number;
}

export interface ReceiptRow {
  message_id: string;
  user_id: string;
  status: ReceiptStatus;
  at: string;
}

/** A channels row: `SELECT ${CHANNEL_COLUMNS} FROM channels c`. */
export interface ChannelRecordRow {
  id: string;
  name: string;
  kind: ChannelKind;
  private: number | boolean;
  topic: string;
  archived: number | boolean;
  created_by: string | null;
  last_seq: number;
}

export const CHANNEL_COLUMNS =
  'c.id, c.name, c.kind, c.private, c.topic, c.archived, c.created_by, c.last_seq';

/** A channel with the caller's read position. */
export interface ChannelRow extends ChannelRecordRow {
  last_read_seq: number;
  unread: number;
}

export interface MemberRow {
  channel_id: string;
  id: string;
  name: string;
}

/** Selects a MessageRow: `SELECT ${MESSAGE_SELECT} WHERE ...`. */
export const MESSAGE_SELECT = `m.id, m.channel_id, m.seq, m.user_id, u.name AS user_name, m.parent_id, m.content,
  m.client_message_id, m.created_at, m.updated_at, m.edited_at, m.deleted, m.mentions, m.reactions, m.change_seq,
  m.files FROM messages m JOIN users u ON u.id = m.user_id`;

export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    passwordHash: row.password_hash,
    admin: Boolean(row.admin),
    active: Boolean(row.active),
    tokenVersion: row.token_version,
  };
}

export function toChannelRecord(row: ChannelRecordRow): ChannelRecord {
  const record: ChannelRecord = {
    id: row.id,
    name: row.name,
    kind: row.kind,
    private: Boolean(row.private),
    topic: row.topic,
    archived: Boolean(row.archived),
    lastSeq: row.last_seq,
  };
  if (row.created_by !== null) record.createdBy = row.created_by;
  return record;
}

/** The caller's channels (rows) with the members of each (all of the caller's channels' members). */
export function toChannels(rows: ChannelRow[], members: MemberRow[]): Channel[] {
  return rows.map((row) => {
    const channelMembers: UserSummary[] = members
      .filter((m) => m.channel_id === row.id)
      .map((m) => ({ id: m.id, name: m.name }));
    return {
      ...toChannelRecord(row),
      memberIds: channelMembers.map((m) => m.id),
      members: channelMembers,
      lastReadSeq: row.last_read_seq,
      unreadCount: row.unread,
    };
  });
}

/** With `receipts` (the viewer's own messages), deliveryStatus is the highest any recipient reached. */
export function toMessage(row: MessageRow, receipts?: Receipt[]): Message {
  const message: Message = {
    id: row.id,
    content: row.content,
    channelId: row.channel_id,
    userId: row.user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveryStatus: MessageDeliveryStatus.SENT,
    user: { id: row.user_id, name: row.user_name },
    seq: row.seq,
    editedAt: row.edited_at,
    deleted: Boolean(row.deleted),
    mentions: JSON.parse(row.mentions) as string[],
    reactions: JSON.parse(row.reactions) as Reaction[],
    changeSeq: row.change_seq,
  };
  if (row.parent_id !== null) message.parentId = row.parent_id;
  if (row.client_message_id !== null) message.clientMessageId = row.client_message_id;
  // A tombstone shows no files, as it shows no content (and they are no longer served).
  if (row.files !== null && !row.deleted) message.files = JSON.parse(row.files) as Message['files'];
  if (receipts) {
    message.receipts = receipts;
    message.deliveryStatus = receipts.reduce((s, r) => maxStatus(s, r.status), message.deliveryStatus);
  }
  return message;
}

/** Receipt rows grouped by their message, in the order the rows came. */
export function groupReceipts(rows: ReceiptRow[]): Map<string, Receipt[]> {
  const byMessage = new Map<string, Receipt[]>();
  for (const row of rows) {
    const list = byMessage.get(row.message_id) ?? [];
    list.push({ userId: row.user_id, status: row.status, at: row.at });
    byMessage.set(row.message_id, list);
  }
  return byMessage;
}

export interface FileRow {
  id: string;
  user_id: string;
  sha256: string;
  name: string;
  /** A bigint in PostgreSQL: pg gives it as a string. */
  size: number | string;
  mime: string;
  created_at: string;
  posted_at: string | null;
}

/** The parameters of both stores' insertFile statement, in its column order. */
export function fileColumns(file: FileRecord): unknown[] {
  return [file.id, file.userId, file.sha256, file.name, file.size, file.mime, file.createdAt];
}

export function toFileRecord(row: FileRow): FileRecord {
  const file: FileRecord = {
    id: row.id,
    userId: row.user_id,
    sha256: row.sha256,
    name: row.name,
    size: Number(row.size),
    mime: row.mime,
    createdAt: row.created_at,
  };
  if (row.posted_at !== null) file.postedAt = row.posted_at;
  return file;
}

/** A message's files column: the JSON of what it shows, or null when it carries none. */
export const filesColumn = (files: Message['files']) => (files?.length ? JSON.stringify(files) : null);

/** What the insert of a new message decided: its seq, its change counter, and its sender's name. */
export interface Numbered {
  seq: number;
  changeSeq: number;
  userName: string;
}

/**
 * A new message's row as inserted: what a read of it gives back (sqlite-store.test.ts holds the two
 * equal). The writer thread binds it; the main thread makes the message from it (sqlite-store.ts), so
 * the thread's answer carries three numbers and a name, not the message (the hop's clone: srv27).
 */
export function newMessageRow(input: NewMessage, { seq, changeSeq, userName }: Numbered): MessageRow {
  return {
    id: input.id,
    channel_id: input.channelId,
    seq,
    user_id: input.userId,
    user_name: userName,
    parent_id: input.parentId ?? null,
    content: input.content,
    client_message_id: input.clientMessageId ?? null,
    created_at: input.createdAt,
    updated_at: input.createdAt,
    files: filesColumn(input.files),
    // A new message's column defaults (migration 004).
    edited_at: null,
    deleted: 0,
    mentions: JSON.stringify(input.mentions ?? []),
    reactions: '[]',
    change_seq: changeSeq,
  };
}
