/**
 * Each channel's unread and mention counts, kept in memory once counted (bench figure 2: counting them
 * by SQL after every arrival walked every unread row of the channel, twice with the badge total, up to
 * 1,050 rows an arrival, 8-10 % of the core host). The SQL below is what the counts mean; a channel's
 * entry is seeded by one run of it and then follows the store's writes:
 * - a message of someone else's inserted: its channel's counts move by what it adds (`arrived`);
 * - the read position moved: by what it passed (`readMoved`);
 * - a write that moves a server count, a reply's unread flag, a message's deletion or mentions, or (for
 *   the replies' rule) one of our own messages: the entry is dropped (`forget`, `ownChanged`), and the
 *   next read counts it again by SQL;
 * - a rolled-back transaction, or anything the store cannot follow: every entry is dropped.
 * The store is the only way in: it asks nothing but `unread`, `mentions` and `total` here, and each of
 * its writes that the SQL reads calls one of the hooks (unread-counts.property.test.ts checks the kept
 * counts against the SQL after random sequences of the store's writes).
 */
import type { Statement } from 'better-sqlite3';
import type { MessageRow } from './rows';

type Sql = (source: string) => Statement<unknown[], unknown>;

/** A channel `c`'s unread count: what the server counted when we last synced, plus what arrived since. */
export const UNREAD_OF_C = `(
  (CASE WHEN c.read_seq >= c.server_seq THEN 0 ELSE c.server_unread END) + (
    SELECT count(*) FROM messages m
    WHERE m.channel_id = c.id AND m.own = 0 AND m.parent_id IS NULL AND m.seq > max(c.read_seq, c.server_seq)
  ) + (
    SELECT count(*) FROM messages r
    WHERE r.channel_id = c.id AND r.reply_unread = 1 AND (
      EXISTS (SELECT 1 FROM messages p WHERE p.id = r.parent_id AND p.own = 1)
      OR EXISTS (SELECT 1 FROM messages o WHERE o.parent_id = r.parent_id AND o.own = 1))
  ))`;

/**
 * Of a channel `c`'s unread messages held here, those that mention `@self` (Slack's red badge); a deleted
 * one no longer counts.
 */
export const MENTIONS_OF_C = `(
  SELECT count(*) FROM messages m
  WHERE m.channel_id = c.id AND m.own = 0 AND m.deleted = 0 AND m.mentions_json != '[]'
    AND (m.reply_unread = 1 OR (m.parent_id IS NULL AND m.seq > c.read_seq))
    AND EXISTS (SELECT 1 FROM json_each(m.mentions_json) WHERE value = @self))`;

/** One channel's counts, with what an arrival is compared to. */
interface Entry {
  unread: number;
  mentions: number;
  /** A channel message newer than this is unread: max(read_seq, server_seq). */
  unreadAfter: number;
  /** ... and one mentioning us newer than this counts as a mention: read_seq. */
  mentionAfter: number;
  /** Replies flagged unread in the channel: whether one of our own messages' writes can move the count. */
  flaggedReplies: number;
  /** The server's count and position as saved (a read move past `serverSeq` drops `serverUnread`). */
  serverSeq: number;
  serverUnread: number;
}

const SEED = `
  SELECT ${UNREAD_OF_C} AS unread, ${MENTIONS_OF_C} AS mentions,
    max(c.read_seq, c.server_seq) AS unreadAfter, c.read_seq AS mentionAfter,
    c.server_seq AS serverSeq, c.server_unread AS serverUnread,
    (SELECT count(*) FROM messages f WHERE f.channel_id = c.id AND f.reply_unread = 1) AS flaggedReplies
  FROM channels c WHERE c.id = @id`;

/** A channel not held: nothing counts in it (the SQL finds no row) until it is added. */
const NOT_HELD: Entry = {
  unread: 0,
  mentions: 0,
  unreadAfter: Number.POSITIVE_INFINITY,
  mentionAfter: Number.POSITIVE_INFINITY,
  flaggedReplies: 0,
  serverSeq: 0,
  serverUnread: 0,
};

export class UnreadCounts {
  private readonly entries = new Map<string, Entry>();
  /** The channels the badge adds up (muted ones left out), in no order; null: read them again. */
  private badged: string[] | null = null;
  /**
   * Per channel, a stamp that changes whenever someone else's message is stored in it: a count of a
   * range of its messages made earlier (`LocalStore.readAhead`) is still good while its stamp is.
   */
  private readonly stamps = new Map<string, number>();
  private stamp = 0;

  constructor(
    private readonly sql: Sql,
    private readonly selfId: string,
  ) {}

  unread(channelId: string): number {
    return this.entry(channelId).unread;
  }

  mentions(channelId: string): number {
    return this.entry(channelId).mentions;
  }

  /** Unread across the channels not muted. */
  total(): number {
    this.badged ??= this.sql('SELECT id FROM channels WHERE muted = 0').pluck().all() as string[];
    let total = 0;
    for (const id of this.badged) total += this.entry(id).unread;
    return total;
  }

  /** The channel's stamp now (see `stamps`). */
  stampOf(channelId: string): number {
    return this.stamps.get(channelId) ?? 0;
  }

  /** A message stored for the first time (any arrival: live, catch-up, history, the changes feed). */
  arrived(row: MessageRow): void {
    if (row.own) {
      this.ownChanged(row.channel_id);
      return;
    }
    this.stamps.set(row.channel_id, ++this.stamp);
    const entry = this.entries.get(row.channel_id);
    // Stored unflagged: a reply counts only once flagged (markReplyUnread forgets the channel).
    if (!entry || row.parent_id !== null || row.seq === null) return;
    if (row.seq > entry.unreadAfter) entry.unread++;
    if (row.seq > entry.mentionAfter && row.deleted === 0 && this.mentionsMe(row)) entry.mentions++;
  }

  /**
   * The channel's read position moved from `from` to `to`, past `newlyRead` (others' channel messages
   * with from < seq <= to, as markReadUpTo reads them): each stops counting, and so does the server's
   * count once the position reaches the server's. Bench figure 2: every ack of a send moves it, and a
   * recount walked the channel's messages for its mentions.
   */
  readMoved(channelId: string, from: number, to: number, newlyRead: readonly MessageRow[]): void {
    const entry = this.entries.get(channelId);
    if (!entry || entry.mentionAfter !== from) {
      this.entries.delete(channelId);
      return;
    }
    for (const r of newlyRead) {
      if (r.seq !== null && r.seq > entry.unreadAfter) entry.unread--;
      if (r.deleted === 0 && this.mentionsMe(r)) entry.mentions--;
    }
    if (from < entry.serverSeq && to >= entry.serverSeq) entry.unread -= entry.serverUnread;
    entry.mentionAfter = to;
    entry.unreadAfter = Math.max(to, entry.serverSeq);
  }

  /**
   * One of our own messages was stored, claimed its id, or went: a flagged reply in its thread may now
   * count (or no longer). Without a flagged reply in the channel nothing can move.
   */
  ownChanged(channelId: string): void {
    const entry = this.entries.get(channelId);
    if (entry && entry.flaggedReplies > 0) this.entries.delete(channelId);
  }

  /** Our own messages changed somewhere (a channel not known to the caller). */
  ownChangedAnywhere(): void {
    for (const [id, entry] of this.entries) if (entry.flaggedReplies > 0) this.entries.delete(id);
  }

  /** Something the counts read changed in the channel: counted again when next asked. */
  forget(channelId: string): void {
    this.entries.delete(channelId);
  }

  /** The channel list changed (added, removed, saved, muted): the badge's channels are read again. */
  channelsChanged(): void {
    this.badged = null;
  }

  /** Anything may have changed (a rollback, a write the store does not follow): all counted again. */
  forgetAll(): void {
    this.entries.clear();
    this.badged = null;
  }

  private entry(channelId: string): Entry {
    let entry = this.entries.get(channelId);
    if (!entry) {
      entry = (this.sql(SEED).get({ id: channelId, self: this.selfId }) as Entry | undefined) ?? {
        ...NOT_HELD,
      };
      this.entries.set(channelId, entry);
    }
    return entry;
  }

  private mentionsMe(row: MessageRow): boolean {
    if (row.mentions_json === '[]') return false;
    const mentions = JSON.parse(row.mentions_json) as unknown;
    return Array.isArray(mentions) && mentions.includes(this.selfId);
  }
}
