/**
 * The SQLite store's workspace methods (people, invites, channels), on the main thread's connection:
 * they are rare, small writes, so they keep the simple synchronous form of the demo seed's (sqlite.ts).
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { UserSummary } from '../../../src-shared/protocol';
import { CHANNEL_COLUMNS, type ChannelRecordRow, toChannelRecord, toUser, type UserRow } from '../rows';
import type {
  AuthChange,
  ChannelChanges,
  ChannelRecord,
  InviteRedemption,
  NewChannel,
  NewUser,
  UserRecord,
} from '../types';

const SQL = {
  insertUser: `INSERT INTO users (id, username, name, password_hash, admin, created_at)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING`,
  userById: 'SELECT * FROM users WHERE id = ?',
  allUsers: 'SELECT * FROM users ORDER BY username',
  changeAuth: `UPDATE users SET password_hash = COALESCE(?, password_hash), active = COALESCE(?, active),
    token_version = token_version + 1 WHERE id = ?`,
  insertInvite: 'INSERT INTO invites (token_hash, user_id, expires_at) VALUES (?, ?, ?)',
  invite: `SELECT i.user_id, i.expires_at, i.used_at, u.active FROM invites i JOIN users u ON u.id = i.user_id
    WHERE i.token_hash = ?`,
  useInvite: 'UPDATE invites SET used_at = ? WHERE token_hash = ? AND used_at IS NULL',
  insertChannel: `INSERT INTO channels (id, name, kind, private, topic, created_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
  insertMember: `INSERT INTO channel_members (channel_id, user_id, joined_at) VALUES (?, ?, ?)
    ON CONFLICT DO NOTHING`,
  channelById: `SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE c.id = ?`,
  channelByName: `SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE c.name = ?`,
  allChannels: `SELECT ${CHANNEL_COLUMNS} FROM channels c ORDER BY c.name`,
  membersOf: `SELECT u.id, u.name FROM channel_members cm JOIN users u ON u.id = cm.user_id
    WHERE cm.channel_id = ? ORDER BY u.name`,
  deleteMember: 'DELETE FROM channel_members WHERE channel_id = ? AND user_id = ?',
  updateChannel: `UPDATE channels SET name = COALESCE(?, name), topic = COALESCE(?, topic),
    archived = COALESCE(?, archived) WHERE id = ?`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

const flag = (value: boolean | undefined) => (value === undefined ? null : Number(value));

export class SqliteWorkspace {
  private readonly sql: Statements;

  constructor(private readonly db: Database.Database) {
    this.sql = Object.fromEntries(
      Object.entries(SQL).map(([name, text]) => [name, db.prepare(text)]),
    ) as Statements;
  }

  private user(id: string): UserRecord | undefined {
    const row = this.sql.userById.get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  createUser(user: NewUser): UserRecord | undefined {
    const id = randomUUID();
    const { changes } = this.sql.insertUser.run(
      id,
      user.username,
      user.name,
      user.passwordHash ?? '',
      Number(user.admin ?? false),
      new Date().toISOString(),
    );
    return changes === 0 ? undefined : this.user(id);
  }

  listUsers(): UserRecord[] {
    return (this.sql.allUsers.all() as UserRow[]).map(toUser);
  }

  changeAuth(userId: string, change: AuthChange): UserRecord | undefined {
    this.sql.changeAuth.run(change.passwordHash ?? null, flag(change.active), userId);
    return this.user(userId);
  }

  createInvite(userId: string, tokenHash: string, expiresAt: string): void {
    this.sql.insertInvite.run(tokenHash, userId, expiresAt);
  }

  redeemInvite(tokenHash: string, passwordHash: string, now: string): InviteRedemption {
    return this.db
      .transaction((): InviteRedemption => {
        const invite = this.sql.invite.get(tokenHash) as
          | { user_id: string; expires_at: string; used_at: string | null; active: number }
          | undefined;
        if (!invite?.active) return { ok: false, reason: 'unknown' };
        if (invite.used_at !== null) return { ok: false, reason: 'used' };
        if (invite.expires_at <= now) return { ok: false, reason: 'expired' };
        this.sql.useInvite.run(now, tokenHash);
        return { ok: true, user: this.changeAuth(invite.user_id, { passwordHash })! };
      })
      .immediate();
  }

  createChannel(channel: NewChannel): { channel: ChannelRecord; created: boolean } {
    return this.db
      .transaction(() => {
        const id = randomUUID();
        const now = new Date().toISOString();
        const { changes } = this.sql.insertChannel.run(
          id,
          channel.name,
          channel.kind ?? 'channel',
          Number(channel.private ?? false),
          channel.topic ?? '',
          channel.createdBy ?? null,
          now,
        );
        const created = changes > 0;
        if (created) for (const userId of channel.memberIds) this.sql.insertMember.run(id, userId, now);
        return { channel: this.findChannelByName(channel.name)!, created };
      })
      .immediate();
  }

  getChannel(id: string): ChannelRecord | undefined {
    const row = this.sql.channelById.get(id) as ChannelRecordRow | undefined;
    return row && toChannelRecord(row);
  }

  findChannelByName(name: string): ChannelRecord | undefined {
    const row = this.sql.channelByName.get(name) as ChannelRecordRow | undefined;
    return row && toChannelRecord(row);
  }

  listChannelRecords(): ChannelRecord[] {
    return (this.sql.allChannels.all() as ChannelRecordRow[]).map(toChannelRecord);
  }

  channelMembers(channelId: string): UserSummary[] {
    return this.sql.membersOf.all(channelId) as UserSummary[];
  }

  removeMember(channelId: string, userId: string): boolean {
    return this.sql.deleteMember.run(channelId, userId).changes > 0;
  }

  updateChannel(channelId: string, changes: ChannelChanges): boolean {
    try {
      this.sql.updateChannel.run(
        changes.name ?? null,
        changes.topic ?? null,
        flag(changes.archived),
        channelId,
      );
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw err;
    }
  }
}
