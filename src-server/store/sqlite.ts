/**
 * The SQLite store: one file in DATA_DIR, WAL journal, synchronous=FULL so an acknowledged message
 * survives a crash of the machine, not only of the process.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  type Channel,
  DEFAULT_PAGE_LIMIT,
  type HistoryQuery,
  type Message,
  MessageDeliveryStatus,
  type MessagesPage,
  maxStatus,
  type Receipt,
  STATUS_RANK,
} from '../../src-shared/protocol';
import { migrate } from './migrate';
import type {
  ChannelRecord,
  DemoUser,
  InsertResult,
  Membership,
  NewMessage,
  ReceiptResult,
  ReceiptStatus,
  Store,
  UserRecord,
} from './types';

export const DATABASE_FILE = 'relay.sqlite';

interface UserRow {
  id: string;
  username: string;
  name: string;
  password_hash: string;
}

interface MessageRow {
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
}

interface ReceiptRow {
  message_id: string;
  user_id: string;
  status: ReceiptStatus;
  at: string;
}

const MESSAGE_COLUMNS = `m.id, m.channel_id, m.seq, m.user_id, u.name AS user_name, m.parent_id, m.content,
  m.client_message_id, m.created_at, m.updated_at`;
const MESSAGE_FROM = 'FROM messages m JOIN users u ON u.id = m.user_id';

function toUser(row: UserRow): UserRecord {
  return { id: row.id, username: row.username, name: row.name, passwordHash: row.password_hash };
}

function toMessage(row: MessageRow, receipts?: Receipt[]): Message {
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
  };
  if (row.parent_id !== null) message.parentId = row.parent_id;
  if (row.client_message_id !== null) message.clientMessageId = row.client_message_id;
  if (receipts) {
    message.receipts = receipts;
    message.deliveryStatus = receipts.reduce((s, r) => maxStatus(s, r.status), message.deliveryStatus);
  }
  return message;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, DATABASE_FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as
      | UserRow
      | undefined;
    return row && toUser(row);
  }

  async ensureUser(user: DemoUser): Promise<UserRecord> {
    this.db
      .prepare(
        `INSERT INTO users (id, username, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (username) DO NOTHING`,
      )
      .run(randomUUID(), user.username, user.name, user.passwordHash, new Date().toISOString());
    return (await this.findUserByUsername(user.username))!;
  }

  async ensureChannel(name: string): Promise<ChannelRecord> {
    this.db
      .prepare('INSERT INTO channels (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING')
      .run(randomUUID(), name, new Date().toISOString());
    return this.db.prepare('SELECT id, name FROM channels WHERE name = ?').get(name) as ChannelRecord;
  }

  async addMember(channelId: string, userId: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO channel_members (channel_id, user_id, joined_at) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING`,
      )
      .run(channelId, userId, new Date().toISOString());
  }

  async getChannel(id: string): Promise<ChannelRecord | undefined> {
    return this.db.prepare('SELECT id, name FROM channels WHERE id = ?').get(id) as ChannelRecord | undefined;
  }

  async membership(channelId: string, userId: string): Promise<Membership> {
    const row = this.db
      .prepare(
        `SELECT c.id, cm.user_id AS member FROM channels c
         LEFT JOIN channel_members cm ON cm.channel_id = c.id AND cm.user_id = ? WHERE c.id = ?`,
      )
      .get(userId, channelId) as { member: string | null } | undefined;
    if (!row) return 'no_channel';
    return row.member === null ? 'not_member' : 'member';
  }

  async memberChannelIds(userId: string): Promise<string[]> {
    return this.db
      .prepare('SELECT channel_id FROM channel_members WHERE user_id = ?')
      .pluck()
      .all(userId) as string[];
  }

  async listChannels(userId: string): Promise<Channel[]> {
    const rows = this.db
      .prepare(
        `SELECT c.id, c.name, c.last_seq, cm.last_read_seq,
           (SELECT COUNT(*) FROM messages m
             WHERE m.channel_id = c.id AND m.seq > cm.last_read_seq AND m.user_id <> cm.user_id) AS unread
         FROM channel_members cm JOIN channels c ON c.id = cm.channel_id
         WHERE cm.user_id = ? ORDER BY c.name`,
      )
      .all(userId) as { id: string; name: string; last_seq: number; last_read_seq: number; unread: number }[];
    const members = this.db
      .prepare(
        `SELECT cm.channel_id, u.id, u.name FROM channel_members cm JOIN users u ON u.id = cm.user_id
         WHERE cm.channel_id IN (SELECT channel_id FROM channel_members WHERE user_id = ?)
         ORDER BY u.name`,
      )
      .all(userId) as { channel_id: string; id: string; name: string }[];
    return rows.map((row) => {
      const channelMembers = members
        .filter((m) => m.channel_id === row.id)
        .map((m) => ({ id: m.id, name: m.name }));
      return {
        id: row.id,
        name: row.name,
        memberIds: channelMembers.map((m) => m.id),
        members: channelMembers,
        lastSeq: row.last_seq,
        lastReadSeq: row.last_read_seq,
        unreadCount: row.unread,
      };
    });
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const row = this.db.prepare(`SELECT ${MESSAGE_COLUMNS} ${MESSAGE_FROM} WHERE m.id = ?`).get(id) as
      | MessageRow
      | undefined;
    return row && toMessage(row);
  }

  async findByClientMessageId(userId: string, clientMessageId: string): Promise<Message | undefined> {
    return this.findByClientMessageIdSync(userId, clientMessageId);
  }

  private findByClientMessageIdSync(userId: string, clientMessageId: string): Message | undefined {
    const row = this.db
      .prepare(`SELECT ${MESSAGE_COLUMNS} ${MESSAGE_FROM} WHERE m.user_id = ? AND m.client_message_id = ?`)
      .get(userId, clientMessageId) as MessageRow | undefined;
    return row && toMessage(row);
  }

  async insertMessage(input: NewMessage): Promise<InsertResult> {
    return this.db
      .transaction((): InsertResult => {
        if (input.clientMessageId !== undefined) {
          const first = this.findByClientMessageIdSync(input.userId, input.clientMessageId);
          if (first) return { message: first, created: false };
        }
        const { seq } = this.db
          .prepare('UPDATE channels SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq AS seq')
          .get(input.channelId) as { seq: number };
        this.db
          .prepare(
            `INSERT INTO messages
             (id, channel_id, seq, user_id, parent_id, content, client_message_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.id,
            input.channelId,
            seq,
            input.userId,
            input.parentId ?? null,
            input.content,
            input.clientMessageId ?? null,
            input.createdAt,
            input.createdAt,
          );
        // Sending means having seen the channel up to here.
        this.db
          .prepare(
            `UPDATE channel_members SET last_read_seq = MAX(last_read_seq, ?)
           WHERE channel_id = ? AND user_id = ?`,
          )
          .run(seq, input.channelId, input.userId);
        const row = this.db.prepare(`SELECT ${MESSAGE_COLUMNS} ${MESSAGE_FROM} WHERE m.id = ?`).get(input.id);
        return { message: toMessage(row as MessageRow), created: true };
      })
      .immediate();
  }

  async listMessages(channelId: string, viewerId: string, query: HistoryQuery): Promise<MessagesPage> {
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    let rows: MessageRow[];
    if (query.after !== undefined) {
      rows = this.db
        .prepare(
          `SELECT ${MESSAGE_COLUMNS} ${MESSAGE_FROM} WHERE m.channel_id = ? AND m.seq > ?
           ORDER BY m.seq ASC LIMIT ?`,
        )
        .all(channelId, query.after, limit + 1) as MessageRow[];
    } else {
      rows = this.db
        .prepare(
          `SELECT ${MESSAGE_COLUMNS} ${MESSAGE_FROM} WHERE m.channel_id = ? AND m.seq < ?
           ORDER BY m.seq DESC LIMIT ?`,
        )
        .all(channelId, query.before ?? Number.MAX_SAFE_INTEGER, limit + 1) as MessageRow[];
    }
    const hasMore = rows.length > limit;
    rows = rows.slice(0, limit);
    if (query.after === undefined) rows.reverse();
    const receipts = this.receiptsFor(rows.filter((row) => row.user_id === viewerId).map((row) => row.id));
    return {
      messages: rows.map((row) =>
        toMessage(row, row.user_id === viewerId ? (receipts.get(row.id) ?? []) : undefined),
      ),
      hasMore,
    };
  }

  private receiptsFor(messageIds: string[]): Map<string, Receipt[]> {
    const byMessage = new Map<string, Receipt[]>();
    if (messageIds.length === 0) return byMessage;
    const rows = this.db
      .prepare(
        `SELECT message_id, user_id, status, at FROM receipts
         WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY at`,
      )
      .all(JSON.stringify(messageIds)) as ReceiptRow[];
    for (const row of rows) {
      const list = byMessage.get(row.message_id) ?? [];
      list.push({ userId: row.user_id, status: row.status as MessageDeliveryStatus, at: row.at });
      byMessage.set(row.message_id, list);
    }
    return byMessage;
  }

  async recordReceipt(
    messageId: string,
    userId: string,
    status: ReceiptStatus,
    at: string,
  ): Promise<ReceiptResult> {
    return this.db
      .transaction((): ReceiptResult => {
        const current = this.db
          .prepare('SELECT status, at FROM receipts WHERE message_id = ? AND user_id = ?')
          .get(messageId, userId) as { status: ReceiptStatus; at: string } | undefined;
        if (current && STATUS_RANK[current.status] >= STATUS_RANK[status]) {
          return { changed: false, status: current.status, at: current.at };
        }
        this.db
          .prepare(
            `INSERT INTO receipts (message_id, user_id, status, at) VALUES (?, ?, ?, ?)
           ON CONFLICT (message_id, user_id) DO UPDATE SET status = excluded.status, at = excluded.at`,
          )
          .run(messageId, userId, status, at);
        if (status === MessageDeliveryStatus.READ) {
          this.db
            .prepare(
              `UPDATE channel_members SET last_read_seq = MAX(last_read_seq, m.seq)
             FROM (SELECT channel_id, seq FROM messages WHERE id = ?) AS m
             WHERE channel_members.channel_id = m.channel_id AND channel_members.user_id = ?`,
            )
            .run(messageId, userId);
        }
        return { changed: true, status, at };
      })
      .immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
