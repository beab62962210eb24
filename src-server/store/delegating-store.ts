/**
 * What both stores hand on unchanged to their parts: the workspace (people, invites, channels), the files,
 * and the reads of messages that change. Each store supplies its own parts (sqlite/sqlite-workspace.ts,
 * postgres/postgres-workspace.ts, ...); a part may answer synchronously (SQLite) or with a Promise
 * (PostgreSQL): every method here returns a Promise either way, as Store says.
 */
import type {
  ChangeApplied,
  ChangesPage,
  ChannelPreferences,
  SearchPage,
  SearchQuery,
  UserSummary,
} from '../../src-shared/protocol';
import type {
  AuthChange,
  ChannelChanges,
  ChannelRecord,
  FileRecord,
  InviteRedemption,
  NewChannel,
  NewUser,
  Store,
  UserRecord,
} from './types';

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

export abstract class DelegatingStore {
  protected abstract readonly workspace: WorkspacePart;
  protected abstract readonly files: FilesPart;
  protected abstract readonly changes: ChangeReadsPart;

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
