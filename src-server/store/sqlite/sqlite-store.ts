/**
 * The SQLite store: one file in DATA_DIR, WAL journal, synchronous=FULL by default so an acknowledged
 * message survives a crash of the machine, not only of the process.
 *
 * Two connections. Messages and receipts are stored by a writer thread (writer-client.ts) that
 * group-commits them, so the disk flush of each commit never blocks the event loop; their promises
 * resolve once committed. Reads run here on the main thread's connection (WAL: a reader sees every
 * committed write and never waits for the writer), as do the rare set-up writes (users, channels,
 * members: the demo seed), which keep their simple synchronous form.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Channel, HistoryQuery, Message, MessagesPage } from '../../../src-shared/protocol';
import { ensurePrivateDir, ensurePrivateFile } from '../../private-files';
import type { ChangeRequest, ChangeResult } from '../changes';
import { DelegatingStore } from '../delegating-store';
import { migrate } from '../migrate';
import { ownMessageIds, pageMessages, pageRequest, pageRows } from '../paging';
import {
  type ChannelRecordRow,
  type ChannelRow,
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
import { SqliteChangeReads } from './change-reads';
import { DATABASE_FILE, openDatabase, prepare, type Synchronous } from './sqlite-database';
import { SqliteFiles } from './sqlite-files';
import { SqliteWorkspace } from './sqlite-workspace';
import { WriterClient } from './writer-client';

export { DATABASE_FILE } from './sqlite-database';

export interface SqliteOptions {
  /** Default 'full': see Synchronous. */
  synchronous?: Synchronous;
  /** Where a failure of the writer thread is reported. */
  logger?: Logger;
}

/** The main thread's statements: reads, and the set-up writes. */
const MAIN_THREAD_STATEMENTS = [
  'userById',
  'userByUsername',
  'insertUser',
  'insertChannel',
  'channelByName',
  'insertMember',
  'membership',
  'memberChannelIds',
  'channelsOfUser',
  'membersOfUsersChannels',
  'messageById',
  'messageByClientId',
  'messagesAfter',
  'messagesBefore',
  'receiptsOf',
  'devicePosition',
] as const;

export class SqliteStore extends DelegatingStore implements Store {
  private readonly sql;
  // The workspace, the files and the reads of changes: see DelegatingStore and these files.
  protected readonly workspace: SqliteWorkspace;
  protected readonly files: SqliteFiles;
  protected readonly changes: SqliteChangeReads;
  private closing: Promise<void> | undefined;

  private constructor(
    /** The main thread's connection (the benchmark's set-up also wraps its inserts in a transaction on it). */
    private readonly db: Database.Database,
    private readonly writer: WriterClient,
  ) {
    super();
    this.sql = prepare(db, MAIN_THREAD_STATEMENTS);
    this.workspace = new SqliteWorkspace(db);
    this.files = new SqliteFiles(db);
    this.changes = new SqliteChangeReads(db);
  }

  /** Opens (creating and migrating) the database in `dataDir`; resolves once the writer thread is up. */
  static async open(dataDir: string, options: SqliteOptions = {}): Promise<SqliteStore> {
    ensurePrivateDir(dataDir);
    const file = join(dataDir, DATABASE_FILE);
    ensurePrivateFile(file);
    const synchronous = options.synchronous ?? 'full';
    const db = openDatabase(file, synchronous);
    try {
      migrate(db);
      const writer = WriterClient.start({ file, synchronous }, options.logger);
      await writer.ready;
      return new SqliteStore(db, writer);
    } catch (error) {
      db.close();
      throw error;
    }
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
    return toChannelRecord(this.sql.channelByName.get(name) as ChannelRecordRow);
  }

  async addMember(channelId: string, userId: string): Promise<boolean> {
    return this.sql.insertMember.run(channelId, userId, new Date().toISOString()).changes > 0;
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
    return toChannels(rows, members);
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const row = this.sql.messageById.get(id) as MessageRow | undefined;
    return row && toMessage(row);
  }

  async findByClientMessageId(userId: string, clientMessageId: string): Promise<Message | undefined> {
    const row = this.sql.messageByClientId.get(userId, clientMessageId) as MessageRow | undefined;
    return row && toMessage(row);
  }

  async insertMessage(message: NewMessage): Promise<InsertResult> {
    return this.writer.run({ kind: 'insertMessage', message });
  }

  async insertNumbered(message: NewMessage, device: DeviceSeq): Promise<InsertResult | OutOfOrder> {
    return this.writer.run({ kind: 'insertNumbered', message, device });
  }

  async skipDeviceSeq(userId: string, channelId: string, device: DeviceSeq): Promise<void> {
    await this.writer.run({ kind: 'skipDeviceSeq', userId, channelId, device });
  }

  async devicePosition(userId: string, deviceId: string, channelId: string): Promise<number> {
    const row = this.sql.devicePosition.get(userId, deviceId, channelId) as { last_seq: number } | undefined;
    return row?.last_seq ?? 0;
  }

  async listMessages(channelId: string, viewerId: string, query: HistoryQuery): Promise<MessagesPage> {
    const request = pageRequest(query);
    const statement = request.newer ? this.sql.messagesAfter : this.sql.messagesBefore;
    const { rows, hasMore } = pageRows(
      request,
      statement.all(channelId, request.bound, request.fetch) as MessageRow[],
    );
    const ownIds = ownMessageIds(rows, viewerId);
    const receipts =
      ownIds.length === 0 ? [] : (this.sql.receiptsOf.all(JSON.stringify(ownIds)) as ReceiptRow[]);
    return { messages: pageMessages(rows, viewerId, receipts), hasMore };
  }

  async recordReceipt(
    messageId: string,
    userId: string,
    status: ReceiptStatus,
    at: string,
  ): Promise<ReceiptResult> {
    return this.writer.run({ kind: 'recordReceipt', messageId, userId, status, at });
  }

  // A change goes through the writer thread (change-writes.ts); its reads are here (DelegatingStore).
  async changeMessage(request: ChangeRequest): Promise<ChangeResult> {
    return this.writer.run({ kind: 'changeMessage', request });
  }

  /** Commits the writes already queued, ends the writer thread, then closes. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.writer.close().finally(() => this.db.close());
    return this.closing;
  }
}
