/**
 * The PostgreSQL store (DATABASE_URL): the SQLite store's behaviour on a database that several server
 * instances share. What keeps it right with many writers:
 * - a message's seq comes from `UPDATE channels ... RETURNING` inside the insert's transaction: the row
 *   lock serialises the writers of one channel across instances, and a rollback gives the number back;
 * - a replay is caught by UNIQUE (user_id, client_message_id) with ON CONFLICT, which waits for a
 *   concurrent first copy to commit and then answers with it;
 * - a receipt is raised by one conditional upsert, so it only ever goes up.
 * Within one instance the inserts of a channel also run one at a time, so they resolve (and are
 * broadcast) in seq order, as with SQLite, and a busy channel holds one pooled connection, not all.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Channel, HistoryQuery, Message, MessagesPage } from '../../../src-shared/protocol';
import { ConfigError } from '../../errors';
import { KeyedMutex } from '../../socket/keyed-mutex';
import type { ChangeRequest, ChangeResult } from '../changes';
import { DelegatingStore } from '../delegating-store';
import { ownMessageIds, pageMessages, pageRequest, pageRows } from '../paging';
import {
  CHANNEL_COLUMNS,
  type ChannelRecordRow,
  type ChannelRow,
  filesColumn,
  MESSAGE_SELECT,
  type MemberRow,
  type MessageRow,
  type ReceiptRow,
  toChannelRecord,
  toChannels,
  toMessage,
  toUser,
  type UserRow,
} from '../rows';
import type {
  ChannelRecord,
  DemoUser,
  DeviceSeq,
  InsertResult,
  Membership,
  NewMessage,
  OutOfOrder,
  ReceiptResult,
  ReceiptStatus,
  Store,
  UserRecord,
} from '../types';
import { checkDatabaseUrl, createPool, describeTarget, withTransaction } from './pool';
import { PostgresChanges } from './postgres-changes';
import { linkFiles, PostgresFiles } from './postgres-files';
import { migratePostgres } from './postgres-migrate';
import { PostgresWorkspace } from './postgres-workspace';

const SQL = {
  userById: 'SELECT * FROM users WHERE id = $1',
  userByUsername: 'SELECT * FROM users WHERE username = $1',
  insertUser: `INSERT INTO users (id, username, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (username) DO NOTHING`,
  insertChannel: `INSERT INTO channels (id, name, created_at) VALUES ($1, $2, $3)
    ON CONFLICT (name) DO NOTHING`,
  channelByName: `SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE c.name = $1`,
  insertMember: `INSERT INTO channel_members (channel_id, user_id, joined_at) VALUES ($1, $2, $3)
    ON CONFLICT DO NOTHING`,
  membership: `SELECT cm.user_id AS member FROM channels c
    LEFT JOIN channel_members cm ON cm.channel_id = c.id AND cm.user_id = $1 WHERE c.id = $2`,
  memberChannelIds: 'SELECT channel_id FROM channel_members WHERE user_id = $1',
  // COLLATE "C": names sort by code point, as in SQLite, whatever the database's locale.
  channelsOfUser: `SELECT ${CHANNEL_COLUMNS}, cm.last_read_seq,
      (SELECT COUNT(*) FROM messages m
        WHERE m.channel_id = c.id AND m.seq > cm.last_read_seq AND m.user_id <> cm.user_id)::integer AS unread
    FROM channel_members cm JOIN channels c ON c.id = cm.channel_id
    WHERE cm.user_id = $1 ORDER BY c.name COLLATE "C"`,
  membersOfUsersChannels: `SELECT cm.channel_id, u.id, u.name
    FROM channel_members cm JOIN users u ON u.id = cm.user_id
    WHERE cm.channel_id IN (SELECT channel_id FROM channel_members WHERE user_id = $1)
    ORDER BY u.name COLLATE "C"`,
  messageById: `SELECT ${MESSAGE_SELECT} WHERE m.id = $1`,
  messageByClientId: `SELECT ${MESSAGE_SELECT} WHERE m.user_id = $1 AND m.client_message_id = $2`,
  // ::bigint: the open bound (Number.MAX_SAFE_INTEGER) is beyond an integer column's range.
  messagesAfter: `SELECT ${MESSAGE_SELECT} WHERE m.channel_id = $1 AND m.seq > $2::bigint
    ORDER BY m.seq ASC LIMIT $3`,
  messagesBefore: `SELECT ${MESSAGE_SELECT} WHERE m.channel_id = $1 AND m.seq < $2::bigint
    ORDER BY m.seq DESC LIMIT $3`,
  // One statement, run inside a transaction: take the channel's next seq and changeSeq (locking its row until COMMIT),
  // store the message unless (user, clientMessageId) exists, move the sender's read position to it, and
  // return the stored row. No row back means a replay (or no such channel): the caller rolls back.
  insertMessage: `WITH next AS (
      UPDATE channels SET last_seq = last_seq + 1, last_change_seq = last_change_seq + 1 WHERE id = $2
      RETURNING last_seq, last_change_seq
    ), inserted AS (
      INSERT INTO messages (id, channel_id, seq, user_id, parent_id, content, client_message_id, created_at,
        updated_at, mentions, change_seq, files)
      SELECT $1, $2, next.last_seq, $3, $4, $5, $6, $7::timestamptz, $7::timestamptz, $8, next.last_change_seq, $9
      FROM next
      ON CONFLICT (user_id, client_message_id) DO NOTHING
      RETURNING *
    ), sender_read AS (
      UPDATE channel_members cm SET last_read_seq = GREATEST(cm.last_read_seq, inserted.seq)
      FROM inserted WHERE cm.channel_id = inserted.channel_id AND cm.user_id = inserted.user_id
    )
    SELECT ${MESSAGE_SELECT.replace('FROM messages m', 'FROM inserted m')}`,
  // A numbered send's device position: made if new, then locked, so the numbered writes of one device in
  // one channel run one at a time across instances, and each sees what the one before it committed.
  ensureDevicePosition: `INSERT INTO device_positions (user_id, device_id, channel_id, last_seq)
    VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`,
  lockDevicePosition: `SELECT last_seq FROM device_positions
    WHERE user_id = $1 AND device_id = $2 AND channel_id = $3 FOR UPDATE`,
  devicePosition: `SELECT last_seq FROM device_positions WHERE user_id = $1 AND device_id = $2 AND channel_id = $3`,
  setDevicePosition: `UPDATE device_positions SET last_seq = $4
    WHERE user_id = $1 AND device_id = $2 AND channel_id = $3`,
  receiptsOf: `SELECT message_id, user_id, status, at FROM receipts
    WHERE message_id = ANY($1::text[]) ORDER BY at, user_id COLLATE "C"`,
  receipt: 'SELECT status, at FROM receipts WHERE message_id = $1 AND user_id = $2',
  // Stores the receipt, or raises a stored DELIVERED to READ (the only way up); a READ that was
  // stored also moves the reader's read position. A row back means the status went up.
  raiseReceipt: `WITH raised AS (
      INSERT INTO receipts (message_id, user_id, status, at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (message_id, user_id) DO UPDATE SET status = excluded.status, at = excluded.at
        WHERE receipts.status = 'DELIVERED' AND excluded.status = 'READ'
      RETURNING status, at
    ), reader_read AS (
      UPDATE channel_members cm SET last_read_seq = GREATEST(cm.last_read_seq, m.seq)
      FROM raised, messages m
      WHERE raised.status = 'READ' AND m.id = $1 AND cm.channel_id = m.channel_id AND cm.user_id = $2
    )
    SELECT status, at FROM raised`,
} as const;

export interface PostgresStoreOptions {
  logger: Logger;
  /** Pooled connections at most (default 10). */
  poolSize?: number;
  /** Requests waiting for a pooled connection at most; more are refused RATE_LIMITED (default 2,048). */
  maxWaiting?: number;
}

export class PostgresStore extends DelegatingStore implements Store {
  private pool: pg.Pool | undefined;
  /** Inserts one at a time per channel: see the file comment. */
  private readonly channelWrites = new KeyedMutex();
  // The workspace, the files and the reads of changes: see DelegatingStore and these files.
  protected readonly workspace = new PostgresWorkspace(() => this.db);
  protected readonly files = new PostgresFiles(() => this.db);
  protected readonly changes = new PostgresChanges(() => this.db, this.channelWrites);

  private constructor(pool: pg.Pool) {
    super();
    this.pool = pool;
  }

  /** Connects, migrates to the latest schema (safe when several instances start together) and opens. */
  static async open(url: string, options: PostgresStoreOptions): Promise<PostgresStore> {
    checkDatabaseUrl(url);
    const target = describeTarget(url);
    const pool = createPool(url, options.logger, { size: options.poolSize, maxWaiting: options.maxWaiting });
    try {
      // Connect once first: an unreachable database or a wrong password is a configuration problem
      // (one line from the CLI), a failing migration is not.
      const probe = await pool.connect().catch((err: Error) => {
        throw new ConfigError(`DATABASE_URL: cannot connect to PostgreSQL at ${target}: ${err.message}`);
      });
      probe.release();
      const applied = await migratePostgres(pool);
      options.logger.info({ database: target, applied }, 'postgres store open');
      return new PostgresStore(pool);
    } catch (err) {
      await pool.end();
      throw err;
    }
  }

  /** The pool, or the error SQLite gives once closed (`The database connection is not open`). */
  private get db(): pg.Pool {
    if (!this.pool) throw new TypeError('The database connection is not open');
    return this.pool;
  }

  private async one<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R | undefined> {
    const { rows } = await this.db.query<R>(text, values);
    return rows[0];
  }

  private async all<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return (await this.db.query<R>(text, values)).rows;
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = await this.one<UserRow>(SQL.userById, [id]);
    return row && toUser(row);
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.one<UserRow>(SQL.userByUsername, [username]);
    return row && toUser(row);
  }

  async ensureUser(user: DemoUser): Promise<UserRecord> {
    const now = new Date().toISOString();
    await this.db.query(SQL.insertUser, [randomUUID(), user.username, user.name, user.passwordHash, now]);
    return (await this.findUserByUsername(user.username))!;
  }

  async ensureChannel(name: string): Promise<ChannelRecord> {
    await this.db.query(SQL.insertChannel, [randomUUID(), name, new Date().toISOString()]);
    return toChannelRecord((await this.one<ChannelRecordRow>(SQL.channelByName, [name]))!);
  }

  async addMember(channelId: string, userId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(SQL.insertMember, [channelId, userId, new Date().toISOString()]);
    return (rowCount ?? 0) > 0;
  }

  async membership(channelId: string, userId: string): Promise<Membership> {
    const row = await this.one<{ member: string | null }>(SQL.membership, [userId, channelId]);
    if (!row) return 'no_channel';
    return row.member === null ? 'not_member' : 'member';
  }

  async memberChannelIds(userId: string): Promise<string[]> {
    const rows = await this.all<{ channel_id: string }>(SQL.memberChannelIds, [userId]);
    return rows.map((row) => row.channel_id);
  }

  async listChannels(userId: string): Promise<Channel[]> {
    const [rows, members] = await Promise.all([
      this.all<ChannelRow>(SQL.channelsOfUser, [userId]),
      this.all<MemberRow>(SQL.membersOfUsersChannels, [userId]),
    ]);
    return toChannels(rows, members);
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const row = await this.one<MessageRow>(SQL.messageById, [id]);
    return row && toMessage(row);
  }

  async findByClientMessageId(userId: string, clientMessageId: string): Promise<Message | undefined> {
    const row = await this.one<MessageRow>(SQL.messageByClientId, [userId, clientMessageId]);
    return row && toMessage(row);
  }

  async insertMessage(input: NewMessage): Promise<InsertResult> {
    return (await this.insertChecked(input, async () => true))!;
  }

  async insertNumbered(input: NewMessage, device: DeviceSeq): Promise<InsertResult | OutOfOrder> {
    let expectedSeq = 0;
    const result = await this.insertChecked(input, async (client) => {
      const last = await this.lockDevice(client, input.userId, input.channelId, device);
      // Under the lock: a copy of this send stored by another instance is committed and visible now.
      if (input.clientMessageId !== undefined) {
        const first = await client.query<MessageRow>(SQL.messageByClientId, [
          input.userId,
          input.clientMessageId,
        ]);
        if (first.rows[0]) return false;
      }
      expectedSeq = last + 1;
      if (device.deviceSeq !== expectedSeq) return false;
      await client.query(SQL.setDevicePosition, [
        input.userId,
        device.deviceId,
        input.channelId,
        device.deviceSeq,
      ]);
      return true;
    });
    // Refused out of order, unless what was found is the first copy of this send.
    return result ?? { created: false, expectedSeq };
  }

  async skipDeviceSeq(userId: string, channelId: string, device: DeviceSeq): Promise<void> {
    await this.channelWrites.run(channelId, () =>
      withTransaction(this.db, async (client) => {
        const last = await this.lockDevice(client, userId, channelId, device);
        if (device.deviceSeq !== last + 1) return true;
        await client.query(SQL.setDevicePosition, [userId, device.deviceId, channelId, device.deviceSeq]);
        return true;
      }),
    );
  }

  async devicePosition(userId: string, deviceId: string, channelId: string): Promise<number> {
    return (
      (await this.one<{ last_seq: number }>(SQL.devicePosition, [userId, deviceId, channelId]))?.last_seq ?? 0
    );
  }

  /** Locks the device's position in the channel (made at 0 if new); returns its last deviceSeq. */
  private async lockDevice(
    client: pg.PoolClient,
    userId: string,
    channelId: string,
    { deviceId }: DeviceSeq,
  ): Promise<number> {
    await client.query(SQL.ensureDevicePosition, [userId, deviceId, channelId]);
    const { rows } = await client.query<{ last_seq: number }>(SQL.lockDevicePosition, [
      userId,
      deviceId,
      channelId,
    ]);
    return rows[0]!.last_seq;
  }

  /**
   * Stores the message in one transaction after `check` (run first in it) says it may be; a replay returns
   * the first. Undefined when `check` refused and no first copy exists.
   */
  private async insertChecked(
    input: NewMessage,
    check: (client: pg.PoolClient) => Promise<boolean>,
  ): Promise<InsertResult | undefined> {
    const pool = this.db;
    return this.channelWrites.run(input.channelId, async () => {
      let checked = false;
      const stored = await withTransaction(pool, async (client) => {
        checked = await check(client);
        // Not allowed: commit what the check made (a new device position at 0), store nothing.
        if (!checked) return null;
        const { rows } = await client.query<MessageRow>(SQL.insertMessage, [
          input.id,
          input.channelId,
          input.userId,
          input.parentId ?? null,
          input.content,
          input.clientMessageId ?? null,
          input.createdAt,
          JSON.stringify(input.mentions ?? []),
          filesColumn(input.files),
        ]);
        // Stored (not a replay): its files are linked in the same transaction.
        if (rows[0]) await linkFiles(client, input);
        return rows[0];
      });
      if (stored) return { message: toMessage(stored), created: true };
      // Rolled back, seq and all. ON CONFLICT waited for the first copy to commit, so it is visible now.
      const first =
        input.clientMessageId === undefined
          ? undefined
          : await this.findByClientMessageId(input.userId, input.clientMessageId);
      if (first) return { message: first, created: false };
      if (!checked) return undefined;
      throw new Error(`Cannot store a message in channel ${input.channelId}: no such channel`);
    });
  }

  async listMessages(channelId: string, viewerId: string, query: HistoryQuery): Promise<MessagesPage> {
    const request = pageRequest(query);
    const { rows, hasMore } = pageRows(
      request,
      await this.all<MessageRow>(request.newer ? SQL.messagesAfter : SQL.messagesBefore, [
        channelId,
        request.bound,
        request.fetch,
      ]),
    );
    const ownIds = ownMessageIds(rows, viewerId);
    const receipts = ownIds.length === 0 ? [] : await this.all<ReceiptRow>(SQL.receiptsOf, [ownIds]);
    return { messages: pageMessages(rows, viewerId, receipts), hasMore };
  }

  async recordReceipt(
    messageId: string,
    userId: string,
    status: ReceiptStatus,
    at: string,
  ): Promise<ReceiptResult> {
    const raised = await this.one<{ status: ReceiptStatus; at: string }>(SQL.raiseReceipt, [
      messageId,
      userId,
      status,
      at,
    ]);
    if (raised) return { changed: true, status: raised.status, at: raised.at };
    // Already this high. Nothing lowers a receipt, so what is stored now is still the answer.
    const current = (await this.one<{ status: ReceiptStatus; at: string }>(SQL.receipt, [
      messageId,
      userId,
    ]))!;
    return { changed: false, status: current.status, at: current.at };
  }

  changeMessage(request: ChangeRequest): Promise<ChangeResult> {
    return this.changes.changeMessage(request);
  }

  /** Waits for the queries in flight, then closes every connection. Idempotent. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }
}
