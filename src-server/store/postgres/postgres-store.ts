import type pg from 'pg';
import type { Logger } from 'pino';
import { ConfigError, fileGone } from '../../errors';
import { KeyedMutex } from '../../socket/keyed-mutex';
import type { ChangeRequest, ChangeResult } from '../changes';
import { CHANNEL_COLUMNS, filesColumn, MESSAGE_SELECT, type MessageRow, toMessage } from '../rows';
import { type SharedStatement, SharedStore } from '../shared-store';
import type {
  DeviceSeq,
  InsertResult,
  NewMessage,
  OutOfOrder,
  ReceiptResult,
  ReceiptStatus,
  Store,
} from '../types';
import { checkDatabaseUrl, createPool, describeTarget, withTransaction } from './pool';
import { PostgresChanges } from './postgres-changes';
import { linkFiles, lockFiles, PostgresFiles } from './postgres-files';
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

export class PostgresStore extends SharedStore implements Store {
  private pool: pg.Pool | undefined;
  /** Inserts one at a time per channel: see the file comment. */
  private readonly channelWrites = new KeyedMutex();
  // The workspace, the files and the reads of changes: see SharedStore and these files.
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

  protected row<R>(statement: SharedStatement, params: unknown[]): Promise<R | undefined> {
    return this.one<R & pg.QueryResultRow>(SQL[statement], params);
  }

  protected async rows<R>(statement: SharedStatement, params: unknown[]): Promise<R[]> {
    return (await this.db.query<R & pg.QueryResultRow>(SQL[statement], params)).rows;
  }

  protected async run(statement: SharedStatement, params: unknown[]): Promise<number> {
    return (await this.db.query(SQL[statement], params)).rowCount ?? 0;
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
   * the first. Undefined when `check` refused and no first copy exists; NOT_FOUND when its files are gone
   * (what `check` wrote is committed: a numbered send's number is used up).
   */
  private async insertChecked(
    input: NewMessage,
    check: (client: pg.PoolClient) => Promise<boolean>,
  ): Promise<InsertResult | undefined> {
    const pool = this.db;
    return this.channelWrites.run(input.channelId, async () => {
      let checked = false;
      let filesGone = false;
      const stored = await withTransaction(pool, async (client) => {
        checked = await check(client);
        // Not allowed: commit what the check made (a new device position at 0), store nothing.
        if (!checked) return null;
        // Collected since the caller checked them: refused for good, committing what the check made.
        filesGone = !(await lockFiles(client, input));
        if (filesGone) return null;
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
      if (filesGone) throw fileGone();
      if (!checked) return undefined;
      throw new Error(`Cannot store a message in channel ${input.channelId}: no such channel`);
    });
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
