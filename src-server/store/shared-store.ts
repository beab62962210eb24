/**
 * What both stores do alike, whatever their SQL dialect:
 * - the reads and set-up writes that differ only in their statement's text, run through `row`, `rows` and
 *   `run` on the statements both stores name alike (SHARED_STATEMENTS), with the shared mapping and paging;
 * - what they hand on unchanged to their parts: the workspace (people, invites, channels), the files, and
 *   the reads of messages that change (sqlite/sqlite-workspace.ts, postgres/postgres-workspace.ts, ...).
 * A store may answer synchronously (SQLite) or with a Promise (PostgreSQL): every method here returns a
 * Promise either way, as Store says.
 */
import { randomUUID } from 'node:crypto';
import type {
  ChangeApplied,
  ChangesPage,
  Channel,
  ChannelPreferences,
  HistoryQuery,
  Message,
  MessagesPage,
  SearchPage,
  SearchQuery,
  UserSummary,
} from '../../src-shared/protocol';
import { ownMessageIds, pageMessages, pageRequest, pageRows } from './paging';
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
} from './rows';
import type {
  AuthChange,
  ChannelChanges,
  ChannelRecord,
  DemoUser,
  FileRecord,
  InviteRedemption,
  Membership,
  NewChannel,
  NewUser,
  Store,
  UserRecord,
} from './types';

/** The statements both stores have under these names, each in its own dialect, with the same parameters. */
export const SHARED_STATEMENTS = [
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
export type SharedStatement = (typeof SHARED_STATEMENTS)[number];

type MaybeAsync<T> = T | Promise<T>;

/** The Store methods named, each free to answer synchronously or with a Promise. */
export type StorePart<M extends keyof Store> = {
  [K in M]: (...args: Parameters<Store[K]>) => ReturnType<Store[K]> | Awaited<ReturnType<Store[K]>>;
};

export type WorkspacePart = StorePart<
  | 'createUser'
  | 'listUsers'
  | 'changeAuth'
  | 'createInvite'
  | 'redeemInvite'
  | 'createChannel'
  | 'getChannel'
  | 'findChannelByName'
  | 'listChannelRecords'
  | 'channelMembers'
  | 'removeMember'
  | 'updateChannel'
>;
export type FilesPart = StorePart<
  'insertFile' | 'getFile' | 'canReadFile' | 'deleteUnpostedFiles' | 'blobsInUse'
>;
export type ChangeReadsPart = StorePart<
  'appliedOp' | 'listChanges' | 'getPreferences' | 'setPreferences' | 'searchMessages'
>;

export abstract class SharedStore {
  protected abstract readonly workspace: WorkspacePart;
  protected abstract readonly files: FilesPart;
  protected abstract readonly changes: ChangeReadsPart;

  /** The statement's first row. An array parameter is a list of values (receiptsOf). */
  protected abstract row<R>(statement: SharedStatement, params: unknown[]): MaybeAsync<R | undefined>;
  /** All the statement's rows. An array parameter is a list of values (receiptsOf). */
  protected abstract rows<R>(statement: SharedStatement, params: unknown[]): MaybeAsync<R[]>;
  /** Runs a write; how many rows it changed. */
  protected abstract run(statement: SharedStatement, params: unknown[]): MaybeAsync<number>;

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = await this.row<UserRow>('userById', [id]);
    return row && toUser(row);
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.row<UserRow>('userByUsername', [username]);
    return row && toUser(row);
  }

  async ensureUser(user: DemoUser): Promise<UserRecord> {
    const now = new Date().toISOString();
    await this.run('insertUser', [randomUUID(), user.username, user.name, user.passwordHash, now]);
    return (await this.findUserByUsername(user.username))!;
  }

  async ensureChannel(name: string): Promise<ChannelRecord> {
    await this.run('insertChannel', [randomUUID(), name, new Date().toISOString()]);
    return toChannelRecord((await this.row<ChannelRecordRow>('channelByName', [name]))!);
  }

  async addMember(channelId: string, userId: string): Promise<boolean> {
    return (await this.run('insertMember', [channelId, userId, new Date().toISOString()])) > 0;
  }

  async membership(channelId: string, userId: string): Promise<Membership> {
    const row = await this.row<{ member: string | null }>('membership', [userId, channelId]);
    if (!row) return 'no_channel';
    return row.member === null ? 'not_member' : 'member';
  }

  async memberChannelIds(userId: string): Promise<string[]> {
    const rows = await this.rows<{ channel_id: string }>('memberChannelIds', [userId]);
    return rows.map((row) => row.channel_id);
  }

  async listChannels(userId: string): Promise<Channel[]> {
    const [rows, members] = await Promise.all([
      this.rows<ChannelRow>('channelsOfUser', [userId]),
      this.rows<MemberRow>('membersOfUsersChannels', [userId]),
    ]);
    return toChannels(rows, members);
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const row = await this.row<MessageRow>('messageById', [id]);
    return row && toMessage(row);
  }

  async findByClientMessageId(userId: string, clientMessageId: string): Promise<Message | undefined> {
    const row = await this.row<MessageRow>('messageByClientId', [userId, clientMessageId]);
    return row && toMessage(row);
  }

  async devicePosition(userId: string, deviceId: string, channelId: string): Promise<number> {
    const row = await this.row<{ last_seq: number }>('devicePosition', [userId, deviceId, channelId]);
    return row?.last_seq ?? 0;
  }

  async listMessages(channelId: string, viewerId: string, query: HistoryQuery): Promise<MessagesPage> {
    const request = pageRequest(query);
    const { rows, hasMore } = pageRows(
      request,
      await this.rows<MessageRow>(request.newer ? 'messagesAfter' : 'messagesBefore', [
        channelId,
        request.bound,
        request.fetch,
      ]),
    );
    const ownIds = ownMessageIds(rows, viewerId);
    const receipts = ownIds.length === 0 ? [] : await this.rows<ReceiptRow>('receiptsOf', [ownIds]);
    return { messages: pageMessages(rows, viewerId, receipts), hasMore };
  }

  // The workspace.
  async createUser(user: NewUser): Promise<UserRecord | undefined> {
    return this.workspace.createUser(user);
  }
  async listUsers(): Promise<UserRecord[]> {
    return this.workspace.listUsers();
  }
  async changeAuth(userId: string, change: AuthChange): Promise<UserRecord | undefined> {
    return this.workspace.changeAuth(userId, change);
  }
  async createInvite(userId: string, tokenHash: string, expiresAt: string): Promise<void> {
    await this.workspace.createInvite(userId, tokenHash, expiresAt);
  }
  async redeemInvite(tokenHash: string, passwordHash: string, now: string): Promise<InviteRedemption> {
    return this.workspace.redeemInvite(tokenHash, passwordHash, now);
  }
  async createChannel(channel: NewChannel): Promise<{ channel: ChannelRecord; created: boolean }> {
    return this.workspace.createChannel(channel);
  }
  async getChannel(id: string): Promise<ChannelRecord | undefined> {
    return this.workspace.getChannel(id);
  }
  async findChannelByName(name: string): Promise<ChannelRecord | undefined> {
    return this.workspace.findChannelByName(name);
  }
  async listChannelRecords(): Promise<ChannelRecord[]> {
    return this.workspace.listChannelRecords();
  }
  async channelMembers(channelId: string): Promise<UserSummary[]> {
    return this.workspace.channelMembers(channelId);
  }
  async removeMember(channelId: string, userId: string): Promise<boolean> {
    return this.workspace.removeMember(channelId, userId);
  }
  async updateChannel(channelId: string, changes: ChannelChanges): Promise<boolean> {
    return this.workspace.updateChannel(channelId, changes);
  }

  // Files.
  async insertFile(file: FileRecord): Promise<void> {
    await this.files.insertFile(file);
  }
  async getFile(id: string): Promise<FileRecord | undefined> {
    return this.files.getFile(id);
  }
  async canReadFile(fileId: string, userId: string): Promise<boolean> {
    return this.files.canReadFile(fileId, userId);
  }
  async deleteUnpostedFiles(cutoff: string): Promise<FileRecord[]> {
    return this.files.deleteUnpostedFiles(cutoff);
  }
  async blobsInUse(sha256s: string[]): Promise<Set<string>> {
    return this.files.blobsInUse(sha256s);
  }

  // Messages that change: the reads (each store writes a change its own way: changeMessage).
  async appliedOp(userId: string, opId: string): Promise<ChangeApplied | undefined> {
    return this.changes.appliedOp(userId, opId);
  }
  async listChanges(channelId: string, after: number, limit: number): Promise<ChangesPage> {
    return this.changes.listChanges(channelId, after, limit);
  }
  async getPreferences(channelId: string, userId: string): Promise<ChannelPreferences> {
    return this.changes.getPreferences(channelId, userId);
  }
  async setPreferences(channelId: string, userId: string, preferences: ChannelPreferences): Promise<void> {
    await this.changes.setPreferences(channelId, userId, preferences);
  }
  async searchMessages(userId: string, query: SearchQuery): Promise<SearchPage> {
    return this.changes.searchMessages(userId, query);
  }
}
