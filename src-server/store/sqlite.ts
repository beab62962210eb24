/**
 * The SQLite store: one file in DATA_DIR, WAL journal, synchronous=FULL so an acknowledged message
 * survives a crash of the machine, not only of the process. Writes are group-committed (WriteBatcher):
 * durability costs one disk flush per event-loop turn, not one per message.
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
  type Receipt,
  STATUS_RANK,
} from '../../src-shared/protocol';
import { migrate } from './migrate';
import {
  type ChannelRow,
  MESSAGE_SELECT,
  type MemberRow,
  type MessageRow,
  type ReceiptRow,
  toMessage,
  toUser,
  type UserRow,
} from './rows';
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
import { WriteBatcher } from './write-batcher';

export const DATABASE_FILE = 'relay.sqlite';

const SQL = {
  userById: 'SELECT * FROM users WHERE id = ?',
  userByUsername: 'SELECT * FROM users WHERE username = ?',
  insertUser: `INSERT INTO users (id, username, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (username) DO NOTHING`,
  insertChannel: 'INSERT INTO channels (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
  channelByName: 'SELECT id, name FROM channels WHERE name = ?',
  insertMember: `INSERT INTO channel_members (channel_id, user_id, joined_at) VALUES (?, ?, ?)
    ON CONFLICT DO NOTHING`,
  membership: `SELECT cm.user_id AS member FROM channels c
    LEFT JOIN channel_members cm ON cm.channel_id = c.id AND cm.user_id = ? WHERE c.id = ?`,
  memberChannelIds: 'SELECT channel_id FROM channel_members WHERE user_id = ?',
  channelsOfUser: `SELECT c.id, c.name, c.last_seq, cm.last_read_seq,
      (SELECT COUNT(*) FROM messages m
        WHERE m.channel_id = c.id AND m.seq > cm.last_read_seq AND m.user_id <> cm.user_id) AS unread
    FROM channel_members cm JOIN channels c ON c.id = cm.channel_id
    WHERE cm.user_id = ? ORDER BY c.name`,
  membersOfUsersChannels: `SELECT cm.channel_id, u.id, u.name
    FROM channel_members cm JOIN users u ON u.id = cm.user_id
    WHERE cm.channel_id IN (SELECT channel_id FROM channel_members WHERE user_id = ?) ORDER BY u.name`,
  messageById: `SELECT ${MESSAGE_SELECT} WHERE m.id = ?`,
  messageByClientId: `SELECT ${MESSAGE_SELECT} WHERE m.user_id = ? AND m.client_message_id = ?`,
  messagesAfter: `SELECT ${MESSAGE_SELECT} WHERE m.channel_id = ? AND m.seq > ? ORDER BY m.seq ASC LIMIT ?`,
  messagesBefore: `SELECT ${MESSAGE_SELECT} WHERE m.channel_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?`,
  nextSeq: 'UPDATE channels SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq AS seq',
  insertMessage: `INSERT INTO messages
      (id, channel_id, seq, user_id, parent_id, content, client_message_id, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  raiseReadSeq: `UPDATE channel_members SET last_read_seq = MAX(last_read_seq, ?)
    WHERE channel_id = ? AND user_id = ?`,
  receiptsOf: `SELECT message_id, user_id, status, at FROM receipts
    WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY at, user_id`,
  receipt: 'SELECT status, at FROM receipts WHERE message_id = ? AND user_id = ?',
  upsertReceipt: `INSERT INTO receipts (message_id, user_id, status, at) VALUES (?, ?, ?, ?)
    ON CONFLICT (message_id, user_id) DO UPDATE SET status = excluded.status, at = excluded.at`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly writes: WriteBatcher;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, DATABASE_FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.sql = Object.fromEntries(
      Object.entries(SQL).map(([name, text]) => [name, this.db.prepare(text)]),
    ) as Statements;
    this.writes = new WriteBatcher(this.db);
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = this.sql.userById.get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    const row = this.sql.userByUsername.get(username) as UserRow | undefined;
    return row && toUser(row);
  }

  async ensureUser(user: DemoUser): Promise<UserRecord> {
    const now = new Date().toISOString();
    this.sql.insertUser.run(randomUUID(), user.username, user.name, user.passwordHash, now);
    return (await this.findUserByUsername(user.username))!;
  }

  async ensureChannel(name: string): Promise<ChannelRecord> {
    this.sql.insertChannel.run(randomUUID(), name, new Date().toISOString());
    return this.sql.channelByName.get(name) as ChannelRecord;
  }

  async addMember(channelId: string, userId: string): Promise<void> {
    this.sql.insertMember.run(channelId, userId, new Date().toISOString());
  }

  async membership(channelId: string, userId: string): Promise<Membership> {
    const row = this.sql.membership.get(userId, channelId) as { member: string | null } | undefined;
    if (!row) return 'no_channel';
    return row.member === null ? 'not_member' : 'member';
  }

  async memberChannelIds(userId: string): Promise<string[]> {
    return this.sql.memberChannelIds.pluck().all(userId) as string[];
  }

  async listChannels(userId: string): Promise<Channel[]> {
    const rows = this.sql.channelsOfUser.all(userId) as ChannelRow[];
    const members = this.sql.membersOfUsersChannels.all(userId) as MemberRow[];
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
    const row = this.sql.messageById.get(id) as MessageRow | undefined;
    return row && toMessage(row);
  }

  async findByClientMessageId(userId: string, clientMessageId: string): Promise<Message | undefined> {
    return this.findByClientMessageIdNow(userId, clientMessageId);
  }

  private findByClientMessageIdNow(userId: string, clientMessageId: string): Message | undefined {
    const row = this.sql.messageByClientId.get(userId, clientMessageId) as MessageRow | undefined;
    return row && toMessage(row);
  }

  async insertMessage(input: NewMessage): Promise<InsertResult> {
    return this.writes.run((): InsertResult => {
      // Checked again inside the write: a copy may have been stored since the caller last looked.
      if (input.clientMessageId !== undefined) {
        const first = this.findByClientMessageIdNow(input.userId, input.clientMessageId);
        if (first) return { message: first, created: false };
      }
      const { seq } = this.sql.nextSeq.get(input.channelId) as { seq: number };
      this.sql.insertMessage.run(
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
      this.sql.raiseReadSeq.run(seq, input.channelId, input.userId);
      return { message: toMessage(this.sql.messageById.get(input.id) as MessageRow), created: true };
    });
  }

  async listMessages(channelId: string, viewerId: string, query: HistoryQuery): Promise<MessagesPage> {
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    // One row more than asked tells whether there is more beyond this page.
    let rows =
      query.after !== undefined
        ? (this.sql.messagesAfter.all(channelId, query.after, limit + 1) as MessageRow[])
        : (this.sql.messagesBefore.all(
            channelId,
            query.before ?? Number.MAX_SAFE_INTEGER,
            limit + 1,
          ) as MessageRow[]);
    const hasMore = rows.length > limit;
    rows = rows.slice(0, limit);
    if (query.after === undefined) rows.reverse();
    const receipts = this.receiptsOf(rows.filter((row) => row.user_id === viewerId).map((row) => row.id));
    const messages = rows.map((row) =>
      toMessage(row, row.user_id === viewerId ? (receipts.get(row.id) ?? []) : undefined),
    );
    return { messages, hasMore };
  }

  private receiptsOf(messageIds: string[]): Map<string, Receipt[]> {
    const byMessage = new Map<string, Receipt[]>();
    if (messageIds.length === 0) return byMessage;
    for (const row of this.sql.receiptsOf.all(JSON.stringify(messageIds)) as ReceiptRow[]) {
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
    return this.writes.run((): ReceiptResult => {
      const current = this.sql.receipt.get(messageId, userId) as
        | { status: ReceiptStatus; at: string }
        | undefined;
      if (current && STATUS_RANK[current.status] >= STATUS_RANK[status]) {
        return { changed: false, status: current.status, at: current.at };
      }
      this.sql.upsertReceipt.run(messageId, userId, status, at);
      if (status === MessageDeliveryStatus.READ) {
        const message = this.sql.messageById.get(messageId) as MessageRow;
        this.sql.raiseReadSeq.run(message.seq, message.channel_id, userId);
      }
      return { changed: true, status, at };
    });
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.writes.flush();
    this.db.close();
  }
}
