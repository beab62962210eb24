/**
 * The PostgreSQL store's workspace methods (people, invites, channels): sqlite-workspace.ts's behaviour
 * on a database several instances share. An invite is used by one conditional UPDATE, so two instances
 * redeeming it at once get one success; a channel name (and so a DM's set of people) is claimed by
 * UNIQUE (name) with ON CONFLICT, so the same set always gets the same channel.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
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
import { withTransaction } from './pool';

const SQL = {
  insertUser: `INSERT INTO users (id, username, name, password_hash, admin, created_at)
    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING RETURNING *`,
  allUsers: 'SELECT * FROM users ORDER BY username COLLATE "C"',
  changeAuth: `UPDATE users SET password_hash = COALESCE($1, password_hash), active = COALESCE($2, active),
    token_version = token_version + 1 WHERE id = $3 RETURNING *`,
  insertInvite: 'INSERT INTO invites (token_hash, user_id, expires_at) VALUES ($1, $2, $3)',
  // Takes the invite only when unused and unexpired; the row lock makes a concurrent second use wait,
  // then find used_at set.
  useInvite: `UPDATE invites i SET used_at = $2 FROM users u
    WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2::timestamptz
      AND u.id = i.user_id AND u.active
    RETURNING i.user_id`,
  invite: `SELECT i.used_at, i.expires_at > $2::timestamptz AS valid, u.active FROM invites i
    JOIN users u ON u.id = i.user_id WHERE i.token_hash = $1`,
  insertChannel: `INSERT INTO channels (id, name, kind, private, topic, created_by, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING RETURNING id`,
  insertMembers: `INSERT INTO channel_members (channel_id, user_id, joined_at)
    SELECT $1::text, unnest($2::text[]), $3::timestamptz ON CONFLICT DO NOTHING`,
  channelById: `SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE c.id = $1`,
  channelByName: `SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE c.name = $1`,
  allChannels: `SELECT ${CHANNEL_COLUMNS} FROM channels c ORDER BY c.name COLLATE "C"`,
  membersOf: `SELECT u.id, u.name FROM channel_members cm JOIN users u ON u.id = cm.user_id
    WHERE cm.channel_id = $1 ORDER BY u.name COLLATE "C"`,
  deleteMember: 'DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2',
  updateChannel: `UPDATE channels SET name = COALESCE($1, name), topic = COALESCE($2, topic),
    archived = COALESCE($3, archived) WHERE id = $4`,
} as const;

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

export class PostgresWorkspace {
  /** `db` throws once the store is closed, as every store call must. */
  constructor(private readonly db: () => pg.Pool) {}

  private async rows<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return (await this.db().query<R>(text, values)).rows;
  }

  async createUser(user: NewUser): Promise<UserRecord | undefined> {
    const [row] = await this.rows<UserRow>(SQL.insertUser, [
      randomUUID(),
      user.username,
      user.name,
      user.passwordHash ?? '',
      user.admin ?? false,
      new Date().toISOString(),
    ]);
    return row && toUser(row);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.rows<UserRow>(SQL.allUsers, [])).map(toUser);
  }

  async changeAuth(userId: string, change: AuthChange): Promise<UserRecord | undefined> {
    const [row] = await this.rows<UserRow>(SQL.changeAuth, [
      change.passwordHash ?? null,
      change.active ?? null,
      userId,
    ]);
    return row && toUser(row);
  }

  async createInvite(userId: string, tokenHash: string, expiresAt: string): Promise<void> {
    await this.db().query(SQL.insertInvite, [tokenHash, userId, expiresAt]);
  }

  async redeemInvite(tokenHash: string, passwordHash: string, now: string): Promise<InviteRedemption> {
    const redeemed = await withTransaction(this.db(), async (client) => {
      const { rows } = await client.query<{ user_id: string }>(SQL.useInvite, [tokenHash, now]);
      if (rows.length === 0) return undefined;
      const { rows: users } = await client.query<UserRow>(SQL.changeAuth, [
        passwordHash,
        null,
        rows[0]!.user_id,
      ]);
      return toUser(users[0]!);
    });
    if (redeemed) return { ok: true, user: redeemed };
    // Not taken: say why (nothing can make it valid again, so this read cannot contradict the update).
    const [invite] = await this.rows<{ used_at: string | null; valid: boolean; active: boolean }>(
      SQL.invite,
      [tokenHash, now],
    );
    if (!invite?.active) return { ok: false, reason: 'unknown' };
    return { ok: false, reason: invite.used_at !== null ? 'used' : 'expired' };
  }

  async createChannel(channel: NewChannel): Promise<{ channel: ChannelRecord; created: boolean }> {
    const now = new Date().toISOString();
    const created = await withTransaction(this.db(), async (client) => {
      const { rows } = await client.query<{ id: string }>(SQL.insertChannel, [
        randomUUID(),
        channel.name,
        channel.kind ?? 'channel',
        channel.private ?? false,
        channel.topic ?? '',
        channel.createdBy ?? null,
        now,
      ]);
      if (rows.length === 0) return undefined;
      await client.query(SQL.insertMembers, [rows[0]!.id, channel.memberIds, now]);
      return true;
    });
    return { channel: (await this.findChannelByName(channel.name))!, created: created === true };
  }

  async getChannel(id: string): Promise<ChannelRecord | undefined> {
    const [row] = await this.rows<ChannelRecordRow>(SQL.channelById, [id]);
    return row && toChannelRecord(row);
  }

  async findChannelByName(name: string): Promise<ChannelRecord | undefined> {
    const [row] = await this.rows<ChannelRecordRow>(SQL.channelByName, [name]);
    return row && toChannelRecord(row);
  }

  async listChannelRecords(): Promise<ChannelRecord[]> {
    return (await this.rows<ChannelRecordRow>(SQL.allChannels, [])).map(toChannelRecord);
  }

  async channelMembers(channelId: string): Promise<UserSummary[]> {
    return this.rows<UserSummary>(SQL.membersOf, [channelId]);
  }

  async removeMember(channelId: string, userId: string): Promise<boolean> {
    return ((await this.db().query(SQL.deleteMember, [channelId, userId])).rowCount ?? 0) > 0;
  }

  async updateChannel(channelId: string, changes: ChannelChanges): Promise<boolean> {
    try {
      await this.db().query(SQL.updateChannel, [
        changes.name ?? null,
        changes.topic ?? null,
        changes.archived ?? null,
        channelId,
      ]);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return false;
      throw err;
    }
  }
}
