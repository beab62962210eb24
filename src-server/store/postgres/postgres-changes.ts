/**
 * The PostgreSQL store's messages that change: change-writes.ts and change-reads.ts of SQLite, on a
 * database several instances share. What keeps a change right with many writers:
 * - its opId is claimed first, by INSERT ... ON CONFLICT DO NOTHING into applied_ops: a concurrent copy
 *   (on any instance) waits for the first to commit, then finds its answer and changes nothing;
 * - the channel's row is locked before the message is read (as an insert locks it before writing), so
 *   the changes of one channel take changeSeqs one at a time and each plans on the committed row;
 * - within one instance a channel's writes also run one at a time (the store's channelWrites), so their
 *   broadcasts go out in changeSeq order.
 * The search column is generated from the content (migrations-pg/004), so it changes in the same write.
 */
import type pg from 'pg';
import type {
  ChangeApplied,
  ChangesPage,
  ChannelPreferences,
  SearchPage,
  SearchQuery,
} from '../../../src-shared/protocol';
import type { KeyedMutex } from '../../socket/keyed-mutex';
import {
  appliedAnswer,
  type ChangeRefusal,
  type ChangeRequest,
  type ChangeResult,
  changesPage,
  type PreferencesRow,
  planChange,
  searchPage,
  toPreferences,
  tsQuery,
} from '../changes';
import { MESSAGE_SELECT, type MessageRow, toMessage } from '../rows';
import { withTransaction } from './pool';

const SQL = {
  appliedOp: 'SELECT answer FROM applied_ops WHERE user_id = $1 AND op_id = $2',
  // Claims the opId (answer filled in below, before COMMIT); no row back: another copy has it.
  claimOp: `INSERT INTO applied_ops (user_id, op_id, answer, applied_at) VALUES ($1, $2, '', $3)
    ON CONFLICT DO NOTHING RETURNING op_id`,
  recordAnswer: 'UPDATE applied_ops SET answer = $3 WHERE user_id = $1 AND op_id = $2',
  channelOfMessage: 'SELECT channel_id FROM messages WHERE id = $1',
  lockChannel: 'SELECT last_change_seq FROM channels WHERE id = $1 FOR UPDATE',
  messageById: `SELECT ${MESSAGE_SELECT} WHERE m.id = $1`,
  nextChangeSeq: `UPDATE channels SET last_change_seq = last_change_seq + 1 WHERE id = $1
    RETURNING last_change_seq`,
  updateMessage: `UPDATE messages SET content = $1, edited_at = $2, deleted = $3, mentions = $4, reactions = $5,
    change_seq = $6, updated_at = $7 WHERE id = $8`,
  // A deleted message's files: no longer readable through it, and unposted (collected as orphans) when no
  // other message carries them (files/orphans.ts). The UPDATE sees the links as they were before the
  // DELETE (one snapshot), hence the message_id test.
  unlinkFiles: `WITH unlinked AS (DELETE FROM message_files WHERE message_id = $1 RETURNING file_id)
    UPDATE files SET posted_at = NULL WHERE id IN (SELECT file_id FROM unlinked)
      AND NOT EXISTS (SELECT 1 FROM message_files mf WHERE mf.file_id = files.id AND mf.message_id <> $1)`,
  changesAfter: `SELECT ${MESSAGE_SELECT} WHERE m.channel_id = $1 AND m.change_seq > $2::bigint
    ORDER BY m.change_seq ASC LIMIT $3`,
  preferences: 'SELECT notify, muted FROM channel_preferences WHERE channel_id = $1 AND user_id = $2',
  setPreferences: `INSERT INTO channel_preferences (channel_id, user_id, notify, muted) VALUES ($1, $2, $3, $4)
    ON CONFLICT (channel_id, user_id) DO UPDATE SET notify = excluded.notify, muted = excluded.muted`,
  search: `SELECT ${MESSAGE_SELECT}
    WHERE m.search @@ to_tsquery('simple', $1) AND NOT m.deleted
      AND m.channel_id IN (SELECT channel_id FROM channel_members WHERE user_id = $2)
      AND ($3::text IS NULL OR m.channel_id = $3)
    ORDER BY m.created_at DESC, m.id COLLATE "C" DESC LIMIT $4`,
} as const;

class Refused extends Error {
  constructor(readonly reason: ChangeRefusal) {
    super(reason);
  }
}

export class PostgresChanges {
  /** `db` throws once the store is closed; `channelWrites` is the store's per-channel queue. */
  constructor(
    private readonly db: () => pg.Pool,
    private readonly channelWrites: KeyedMutex,
  ) {}

  private async rows<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return (await this.db().query<R>(text, values)).rows;
  }

  async appliedOp(userId: string, opId: string): Promise<ChangeApplied | undefined> {
    const [row] = await this.rows<{ answer: string }>(SQL.appliedOp, [userId, opId]);
    return row && (JSON.parse(row.answer) as ChangeApplied);
  }

  async changeMessage(request: ChangeRequest): Promise<ChangeResult> {
    const [located] = await this.rows<{ channel_id: string }>(SQL.channelOfMessage, [request.messageId]);
    // No such message: a replay of an op on it cannot exist either (messages are never removed).
    if (!located) return (await this.replay(request)) ?? { status: 'refused', reason: 'not_found' };
    const channelId = located.channel_id;
    const pool = this.db();
    try {
      const result = await this.channelWrites.run(channelId, () =>
        withTransaction(pool, (client) => this.applyIn(client, channelId, request)),
      );
      // Rolled back: a copy had claimed the opId; its answer was committed before the claim returned.
      return result ?? (await this.replay(request)) ?? { status: 'refused', reason: 'not_found' };
    } catch (err) {
      if (err instanceof Refused) return { status: 'refused', reason: err.reason };
      throw err;
    }
  }

  private async replay(request: ChangeRequest): Promise<ChangeResult | undefined> {
    const answer = await this.appliedOp(request.userId, request.opId);
    return answer && { status: 'replayed', answer };
  }

  /** In the transaction; undefined rolls back (the opId was someone else's claim, or a refusal). */
  private async applyIn(
    client: pg.PoolClient,
    channelId: string,
    request: ChangeRequest,
  ): Promise<ChangeResult | undefined> {
    const { userId, opId, messageId, at } = request;
    const claimed = await client.query(SQL.claimOp, [userId, opId, at]);
    if (claimed.rowCount === 0) return undefined;
    await client.query(SQL.lockChannel, [channelId]);
    const { rows } = await client.query<MessageRow>(SQL.messageById, [messageId]);
    const row = rows[0];
    const plan = planChange(row, request);
    // Thrown to roll the claim back with the rest.
    if ('refused' in plan) throw new Refused(plan.refused);
    let changeSeq = row!.change_seq;
    if (plan.update) {
      const next = await client.query<{ last_change_seq: number }>(SQL.nextChangeSeq, [channelId]);
      changeSeq = next.rows[0]!.last_change_seq;
      const u = plan.update;
      await client.query(SQL.updateMessage, [
        u.content,
        u.editedAt,
        u.deleted,
        u.mentions,
        u.reactions,
        changeSeq,
        at,
        messageId,
      ]);
      // Only a deletion sets deleted (a tombstone refuses edits and reactions).
      if (u.deleted) await client.query(SQL.unlinkFiles, [messageId]);
    }
    const answer = appliedAnswer(request, channelId, changeSeq);
    await client.query(SQL.recordAnswer, [userId, opId, JSON.stringify(answer)]);
    const stored = await client.query<MessageRow>(SQL.messageById, [messageId]);
    return {
      status: 'applied',
      answer,
      message: toMessage(stored.rows[0]!),
      changed: plan.update !== undefined,
    };
  }

  async listChanges(channelId: string, after: number, limit: number): Promise<ChangesPage> {
    return changesPage(
      await this.rows<MessageRow>(SQL.changesAfter, [channelId, after, limit + 1]),
      after,
      limit,
    );
  }

  async getPreferences(channelId: string, userId: string): Promise<ChannelPreferences> {
    const [row] = await this.rows<PreferencesRow>(SQL.preferences, [channelId, userId]);
    return toPreferences(row);
  }

  async setPreferences(channelId: string, userId: string, preferences: ChannelPreferences): Promise<void> {
    await this.db().query(SQL.setPreferences, [channelId, userId, preferences.notify, preferences.muted]);
  }

  async searchMessages(userId: string, query: SearchQuery): Promise<SearchPage> {
    const expression = tsQuery(query.q);
    if (expression === undefined) return { messages: [], hasMore: false };
    const fetched = await this.rows<MessageRow>(SQL.search, [
      expression,
      userId,
      query.channelId ?? null,
      query.limit + 1,
    ]);
    return searchPage(fetched, query.limit);
  }
}
