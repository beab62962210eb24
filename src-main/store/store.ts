/**
 * The local store: one SQLite file per signed-in account. Every write that must be atomic (a
 * message and its outbox row, an ack and the receipts that waited for it) is one transaction.
 */
import type { Statement as SqliteStatement } from 'better-sqlite3';
import type {
  Channel,
  ChannelInfo,
  Message,
  MessageFile,
  MessageSent,
  ReceiptEvent,
  UserSummary,
} from '../../src-shared/protocol';
import { applyChangePage, changeFields, serverState } from './change-feed';
import { Checkpointer } from './checkpointer';
import {
  checkVerdict,
  type Db,
  type OpenOptions,
  openDatabase,
  quickCheck,
  WAL_AUTOCHECKPOINT_PAGES,
  WAL_SAFETY_NET_PAGES,
} from './database';
import { DeviceSequence } from './device-sequence';
import { MessageChanges } from './message-changes';
import {
  MESSAGE_COLUMNS_AND_ROWID,
  messageRowOf,
  OPERATION_COLUMNS,
  operationRowOf,
  ROWID,
} from './message-row-reader';
import { indexPending, pendingCount, searchMessages } from './message-search';
import { SET_STATE, shownDiffers, stateDiffers, stateParams, withServerState } from './message-state';
import { PendingUploads } from './pending-uploads';
import {
  BY_KEY,
  CHANGE_OR_UPLOAD_BY_ID,
  type ChannelRow,
  higherStatus,
  type LocalStatus,
  type MessageRow,
  OPERATION_BY_ID,
  OPERATIONS_OF_MESSAGE_DELETE,
  type OperationRow,
  type ReceiptOutboxRow,
  type ReceiptRow,
  SEND_OF_KEY,
} from './rows';
import { UnreadCounts } from './unread-counts';

export * from './rows';
export { MENTIONS_OF_C, UNREAD_OF_C } from './unread-counts';

type Statement = SqliteStatement<unknown[], unknown>;

/**
 * The own message an ack names, read raw (message-row-reader.ts), with its send's state and files when
 * its send row is still queued (found by the place the message keeps, its op id and kind checked, as
 * `dropSend` does): `ACK_SEND_STATE` and `ACK_SEND_FILES` past the row's `rowid`.
 */
const ACK_READ = `SELECT ${MESSAGE_COLUMNS_AND_ROWID.replace(/(\w+)/g, 'm.$1')}, o.state, o.files_json
  FROM messages m LEFT JOIN operations o ON o.ord = m.send_ord AND o.op_id = m.client_message_id AND o.kind = 'send'
  WHERE m.client_message_id = ?`;
const ACK_SEND_STATE = ROWID + 1;
const ACK_SEND_FILES = ROWID + 2;
/**
 * The sends of a batch of acks, found by `ACK_READ` in the same transaction: one statement for the batch.
 * A DELETE of operations fires the device-sequence trigger, so SQLite keeps a statement journal for it;
 * one a send copied the pages it touched every time (bench figure 6: 4.7 µs a send row, 1.9 in one DELETE
 * of 270; BENCHMARKS.md ack27).
 */
const ACKED_SENDS_DELETE = 'DELETE FROM operations WHERE ord IN (SELECT value FROM json_each(?))';
const READ_BACK = `SELECT ${MESSAGE_COLUMNS_AND_ROWID} FROM messages WHERE rowid = ?`;

const PENDING_IN_SQL = `SELECT ${OPERATION_COLUMNS} FROM operations WHERE state = 'pending' AND channel_id = ?
  ORDER BY device_seq, ord LIMIT ?`;

/**
 * The pending operations of a channel after a place: `(device_seq, ord) > (?, ?)` is a range of
 * `operations_in_order` that starts at the place. Spelled `device_seq > ? OR (device_seq = ? AND ord > ?)`
 * it bounded the search by (state, channel_id) only, so each read walked every operation still in
 * flight (up to the whole window) before the first one it returned (operations.test.ts).
 */
export const PENDING_AFTER_SQL = `SELECT ${OPERATION_COLUMNS} FROM operations
  WHERE state = 'pending' AND channel_id = ? AND (device_seq, ord) > (?, ?)
  ORDER BY device_seq, ord LIMIT ?`;

/**
 * The channels of the server's messages held (one seek per channel on `messages_by_seq`, however many
 * messages: a skip scan written out, as SQLite does not skip by itself without statistics).
 */
export const CHANNELS_WITH_MESSAGES_SQL = `
  WITH RECURSIVE c (id) AS (
    SELECT min(channel_id) FROM messages WHERE seq IS NOT NULL
    UNION ALL
    SELECT (SELECT min(channel_id) FROM messages WHERE seq IS NOT NULL AND channel_id > c.id)
    FROM c WHERE c.id IS NOT NULL
  )
  SELECT id FROM c WHERE id IS NOT NULL`;

/** Messages indexed for search per transaction: a few milliseconds, so a send waits at most that long. */
export const SEARCH_INDEX_BATCH = 500;

export interface NewOwnMessage {
  clientMessageId: string;
  channelId: string;
  parentId?: string;
  content: string;
  author: { id: string; name: string };
  createdAt: string;
  queuedAt: number;
  /** Files attached (issue 17), already copied under userData: each an upload queued before the send. */
  files?: QueuedFile[];
}

/** A file to upload before its message is sent; `key` is its upload's op id. */
export interface QueuedFile {
  key: string;
  path: string;
  name: string;
  mime: string;
  size: number;
}

export interface UpsertResult {
  row: MessageRow;
  /** First time this message is stored (drives DELIVERED receipts and notifications). */
  inserted: boolean;
  /** Anything the UI shows changed. */
  changed: boolean;
  /** It was one of our queued sends, now known to the server: its outbox row is gone. */
  confirmedSend: boolean;
}

export interface MessagePage {
  rows: MessageRow[];
  hasMore: boolean;
}

/**
 * A channel's newest change held (a cache written whole, as the bench's seeded one, starts its changes
 * feed after it; the app's first sync takes its page's own: `setFirstSyncCursors`). Only messages the
 * server numbered carry a change_seq, so `seq IS NOT NULL` changes nothing but lets the channel's
 * partial index answer: without it SQLite scanned every message of the file (bench figure 13).
 */
export const MAX_CHANGE_SEQ_SQL =
  'SELECT coalesce(max(change_seq), 0) AS n FROM messages WHERE channel_id = ? AND seq IS NOT NULL';

/**
 * pageBefore's two reads, each on an index: one ordered read of the channel (`seq IS NULL DESC, seq
 * DESC`) could use none, so it scanned every message of the file and sorted the channel's (figure 13:
 * ~10-20 ms per page of a 60,000-message cache, in the cold start's first page and each channel
 * opened). Unsent: only our own queued sends have no seq, and each has its client_message_id (the
 * server's messages always carry a seq), so they are found on that column's unique index, named here
 * because SQLite's planner without statistics scans instead (one of a few rows, 0.06 against 10+ ms).
 * Sent: the (channel_id, seq) index, newest first.
 */
export const PAGE_BEFORE_SQL = {
  /** (channelId, limit) */
  unsent: `SELECT * FROM messages INDEXED BY messages_by_client_id
   WHERE client_message_id >= '' AND seq IS NULL AND channel_id = ? AND parent_id IS NULL
   ORDER BY rowid DESC LIMIT ?`,
  /** (channelId, before, limit) */
  sent: `SELECT * FROM messages
   WHERE channel_id = ? AND seq IS NOT NULL AND parent_id IS NULL AND seq < ?
   ORDER BY seq DESC LIMIT ?`,
} as const;

/**
 * A server message's insert, its values by position (`serverMessageParams`): bound by name, each of the
 * 18 values was a property looked up on a fresh object built by a spread, per caught-up message (figure
 * 13's profile: `serverMessageParams` alone ~6 % of the catch-up's busy time).
 */
const INSERT_SERVER_MESSAGE = `
  INSERT INTO messages (key, id, client_message_id, channel_id, parent_id, author_id, author_name,
                        content, created_at, seq, own, status, edited_at, deleted, mentions_json,
                        reactions_json, change_seq, files_json)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

function serverMessageParams(m: Message, own: boolean): unknown[] {
  const { editedAt, deleted, mentions, reactions, changeSeq } = changeFields(m);
  return [
    m.id,
    m.id,
    own ? (m.clientMessageId ?? null) : null,
    m.channelId,
    m.parentId ?? null,
    m.userId,
    m.user.name,
    m.content,
    m.createdAt,
    m.seq,
    own ? 1 : 0,
    own ? 'SENT' : null,
    editedAt,
    deleted,
    mentions,
    reactions,
    changeSeq,
    m.files?.length ? JSON.stringify(m.files) : null,
  ];
}

/**
 * `readAhead`'s count: others' messages of a channel with `after` < seq <= its read position here (a
 * missing channel: none), as all of them on `messages_by_seq` less our own on `messages_own_by_seq`.
 */
export const READ_AHEAD_SQL = `
  WITH r (readSeq) AS (SELECT max(read_seq, @after) FROM channels WHERE id = @channelId)
  SELECT (SELECT count(*) FROM messages WHERE channel_id = @channelId AND seq > @after AND seq <= r.readSeq)
       - (SELECT count(*) FROM messages INDEXED BY messages_own_by_seq
          WHERE channel_id = @channelId AND own = 1 AND seq > @after AND seq <= r.readSeq) AS n,
    r.readSeq AS readSeq
  FROM (SELECT 1) LEFT JOIN r`;

/** Reads made here past the server's read position `after`, up to the local one (`readAhead`). */
export interface ReadAhead {
  after: number;
  readSeq: number;
  n: number;
  /** The channel's stamp when counted: someone else's message stored since (a history page) moves it. */
  stamp: number;
}

export class LocalStore {
  readonly recovered: { movedTo: string; reason: string } | undefined;
  /** The file's integrity is known (checked at open, or started here); false: `check` says. */
  readonly checkedAtOpen: boolean;
  /** This installation's device id and per-channel operation numbers. */
  readonly sequence: DeviceSequence;
  /** Our queued changes of messages, and the server's as they arrive. */
  readonly changes: MessageChanges;
  /** Files of our own messages not uploaded yet: shown, and cancelled one by one. */
  readonly uploads: PendingUploads;
  private readonly db: Db;
  private readonly statements = new Map<string, Statement>();
  private counts: { sending: number; failed: number } | null = null;
  /** File ids of messages forgotten with their channel, not yet taken out of the file cache. */
  private readonly forgottenFiles: string[] = [];
  /** Each channel's unread and mention counts: the only way to them (unread-counts.ts). */
  private readonly unread: UnreadCounts;
  /**
   * One better-sqlite3 wrapper for every transaction: `db.transaction(fn)` builds a new one per call,
   * a tenth of what storing a caught-up message cost (BENCHMARKS.md, figure 13's profile).
   */
  private readonly inTransaction: <T>(fn: () => T) => T;

  private constructor(
    db: Db,
    readonly selfId: string,
    recovered: LocalStore['recovered'],
    private readonly opened: Pick<OpenOptions, 'file' | 'nativeBinding'>,
    checkedAtOpen = true,
  ) {
    this.db = db;
    this.checkedAtOpen = checkedAtOpen;
    this.inTransaction = db.transaction(<T>(fn: () => T): T => fn()) as <T>(fn: () => T) => T;
    this.recovered = recovered;
    this.sequence = new DeviceSequence(db);
    this.unread = new UnreadCounts((source) => this.sql(source), selfId);
    this.changes = new MessageChanges(
      (source) => this.sql(source),
      this.sequence,
      selfId,
      () => this.recount(),
      // A deletion: a mention no longer counts.
      (row) => this.unread.forget(row.channel_id),
    );
    this.uploads = new PendingUploads(
      (source) => this.sql(source),
      (fn) => this.transaction(fn),
      () => {
        this.recount();
        // A send dropped with its last upload takes its message (maybe a reply of ours) with it.
        this.unread.ownChangedAnywhere();
      },
    );
  }

  static open(options: OpenOptions & { selfId: string }): LocalStore {
    const { db, recovered, checked } = openDatabase(options);
    return new LocalStore(
      db,
      options.selfId,
      recovered,
      { file: options.file, nativeBinding: options.nativeBinding },
      checked,
    );
  }

  /**
   * The integrity check a store opened with `check: 'later'` still owes (database.ts): on `worker`'s
   * connection when there is one, so the main thread reads and writes meanwhile; else here, as at open.
   * Null: sound (or checked already, or closed meanwhile); a string: what is wrong with the file.
   */
  async check(worker: Checkpointer | null): Promise<string | null> {
    if (this.checkedAtOpen) return null;
    const answer = worker ? await worker.quickCheck() : null;
    const verdict = answer?.ok ? checkVerdict(answer) : undefined;
    if (verdict !== undefined) return verdict;
    return this.db.open ? quickCheck(this.db) : null;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Copies the WAL back into the database file as far as readers allow; never waits for them. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /**
   * A second connection in a worker thread that checkpoints when asked (checkpointer.ts): never on the
   * main thread. SQLite's automatic checkpoint in this connection's
   * commits stays as a safety net, raised past what a checkpoint running beside a long catch-up lets the
   * WAL reach (it restarts only once a checkpoint has caught up with the last commit); if the worker
   * stops, the net goes back to where it was and `fault` says so.
   */
  checkpointInBackground(fault: (error: Error) => void): Checkpointer {
    const checkpointer = new Checkpointer({
      ...this.opened,
      fault: (error) => {
        if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
        fault(error);
      },
    });
    this.db.pragma(`wal_autocheckpoint = ${WAL_SAFETY_NET_PAGES}`);
    return checkpointer;
  }

  /** `fn` in a transaction; inside another one, in a savepoint (a throw undoes only `fn`'s writes). */
  transaction<T>(fn: () => T): T {
    const forgotten = this.forgottenFiles.length;
    try {
      return this.inTransaction(fn);
    } catch (error) {
      // Rolled back: the messages forgotten inside stay, so do their cached files.
      this.forgottenFiles.length = forgotten;
      this.counts = null;
      this.unread.forgetAll();
      throw error;
    }
  }

  /**
   * A prepared statement, compiled once per store: compiling SQL costs more than running these
   * small statements, and sends, acks and arrivals run the same few many times a second.
   */
  private sql(source: string): Statement {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }

  // ---------------------------------------------------------------------------------------------
  // Channels
  // ---------------------------------------------------------------------------------------------

  /**
   * Replaces the channel list with the server's, keeping local state (cursor, mute, draft). Returns
   * the channels that are gone (left or removed while away), so their unsent messages can be failed.
   * A channel gone takes its messages with it, and one new to the list starts with none
   * (`forgetMessages`).
   */
  saveChannels(channels: Channel[], countedAhead?: ReadonlyMap<string, ReadAhead>): ChannelRow[] {
    // Reads made here and not yet acknowledged by the server must not count as unread again.
    const fixUnread = this.sql('UPDATE channels SET server_unread = max(0, server_unread - ?) WHERE id = ?');
    const readSeq = this.sql('SELECT read_seq FROM channels WHERE id = ?').pluck();
    return this.transaction(() => {
      const ids = JSON.stringify(channels.map((c) => c.id));
      const gone = this.sql('SELECT * FROM channels WHERE id NOT IN (SELECT value FROM json_each(?))').all(
        ids,
      ) as ChannelRow[];
      this.sql('DELETE FROM channels WHERE id NOT IN (SELECT value FROM json_each(?))').run(ids);
      for (const g of gone) this.unread.forget(g.id);
      // The messages of every channel not listed: those gone now, and any kept by a version before
      // forgetMessages, or stored by a catch-up page answered before a leave and stored after it.
      const listed = new Set(channels.map((c) => c.id));
      for (const id of this.sql(CHANNELS_WITH_MESSAGES_SQL).pluck().all() as string[])
        if (!listed.has(id)) this.forgetMessages(id);
      const held = new Set(this.sql('SELECT id FROM channels').pluck().all() as string[]);
      channels.forEach((c, position) => {
        if (!held.has(c.id)) this.forgetMessages(c.id);
        this.upsertChannel(c, position);
        const local = readSeq.get(c.id) as number;
        // Not ahead of the server here: nothing to take off. A count ahead is taken while neither read
        // position moved and nobody's message was stored in the channel since (a history page in the
        // counted range would be missing from it).
        const ahead = countedAhead?.get(c.id);
        const n =
          local <= c.lastReadSeq
            ? 0
            : ahead &&
                ahead.after === c.lastReadSeq &&
                ahead.readSeq === local &&
                ahead.stamp === this.unread.stampOf(c.id)
              ? ahead.n
              : this.readAhead(c.id, c.lastReadSeq).n;
        if (n > 0) fixUnread.run(n, c.id);
      });
      return gone;
    });
  }

  /**
   * Others' messages of a channel read here past `serverReadSeq` (the server's read position): reads it
   * has not heard of yet, which `saveChannels` takes off its unread count. Counted as every message of
   * the range less our own in it, two index ranges that read no row (migration 015): counted as `own = 0`
   * it read the range row by row, 8-15 ms on a core a channel for figure 13's 2,500 cached messages read
   * after the server's position. The catch-up still counts them ahead, a channel a turn, and
   * saveChannels takes each count whose read position has not moved since (else it counts again).
   */
  readAhead(channelId: string, serverReadSeq: number): ReadAhead {
    const { n, readSeq } = this.sql(READ_AHEAD_SQL).get({ channelId, after: serverReadSeq }) as {
      n: number;
      readSeq: number | null;
    };
    return {
      after: serverReadSeq,
      readSeq: readSeq ?? serverReadSeq,
      n,
      stamp: this.unread.stampOf(channelId),
    };
  }

  /**
   * A channel joined live (`channel:joined`, or the answer to a create / join / DM): kept, or added last
   * (with none of its messages: `forgetMessages`).
   */
  addChannel(c: Channel): void {
    this.transaction(() => {
      const existing = this.channel(c.id);
      const { next } = this.sql('SELECT coalesce(max(position), -1) + 1 AS next FROM channels').get() as {
        next: number;
      };
      if (!existing) this.forgetMessages(c.id);
      this.upsertChannel(c, existing?.position ?? next);
    });
  }

  private upsertChannel(c: Channel, position: number): void {
    this.sql(`
      INSERT INTO channels (id, name, members_json, position, last_seq, server_seq, server_unread, read_seq,
        kind, private, topic, archived, created_by)
      VALUES (@id, @name, @members, @position, @lastSeq, @lastSeq, @unread, @lastReadSeq,
        @kind, @private, @topic, @archived, @createdBy)
      ON CONFLICT (id) DO UPDATE SET
        name = excluded.name, members_json = excluded.members_json, position = excluded.position,
        last_seq = max(last_seq, excluded.last_seq), server_seq = excluded.server_seq,
        server_unread = excluded.server_unread, read_seq = max(read_seq, excluded.read_seq),
        kind = excluded.kind, private = excluded.private, topic = excluded.topic,
        archived = excluded.archived, created_by = excluded.created_by`).run({
      id: c.id,
      name: c.name,
      members: JSON.stringify(c.members),
      position,
      lastSeq: c.lastSeq,
      unread: c.unreadCount,
      lastReadSeq: c.lastReadSeq,
      ...infoColumns(c),
    });
    // The server's count and read position (and a channel now held at all).
    this.unread.forget(c.id);
    this.unread.channelsChanged();
  }

  /** `channel:updated`: what every member sees changed (name, topic, archived, members); local state stays. */
  updateChannelInfo(c: ChannelInfo): ChannelRow | undefined {
    this.sql(`
      UPDATE channels SET name = @name, members_json = @members, last_seq = max(last_seq, @lastSeq),
        kind = @kind, private = @private, topic = @topic, archived = @archived, created_by = @createdBy
      WHERE id = @id`).run({
      id: c.id,
      name: c.name,
      members: JSON.stringify(c.members),
      lastSeq: c.lastSeq,
      ...infoColumns(c),
    });
    return this.channel(c.id);
  }

  setChannelMembers(channelId: string, people: UserSummary[]): void {
    this.sql('UPDATE channels SET members_json = ? WHERE id = ?').run(JSON.stringify(people), channelId);
  }

  /**
   * Left or removed: gone from the list, with its messages (`forgetMessages`); its outbox rows stay,
   * failed by the caller.
   */
  removeChannel(channelId: string): ChannelRow | undefined {
    return this.transaction(() => {
      const row = this.channel(channelId);
      this.sql('DELETE FROM channels WHERE id = ?').run(channelId);
      this.forgetMessages(channelId);
      this.unread.channelsChanged();
      return row;
    });
  }

  /**
   * The messages of a channel no longer listed, or listed again, go (with their receipts and the
   * receipts we owed there), in the transaction that drops or adds its row. Its cursors go with the row,
   * so a rejoin is a first sync: the newest page, then older pages fetched as they are scrolled to. A
   * copy kept from before the leave would be shown instead of those pages, and what changed in it while
   * away (edited, deleted, reacted to) is never fetched again: the changes feed starts at the new first
   * page. Nor is a channel one left anyone's to keep on disk (a private one's text is its members').
   * Our own unsent messages (no server id, so no seq) stay: their sends are failed with the reason and
   * kept to copy out, retry or discard. The search index takes the rest out from the notes the delete
   * trigger leaves (migration 012).
   */
  private forgetMessages(channelId: string): void {
    this.sql(`
      DELETE FROM receipts WHERE message_id IN
        (SELECT id FROM messages WHERE channel_id = ? AND seq IS NOT NULL)`).run(channelId);
    this.sql('DELETE FROM receipt_outbox WHERE channel_id = ?').run(channelId);
    const files = this.sql(
      'DELETE FROM messages WHERE channel_id = ? AND seq IS NOT NULL RETURNING files_json',
    )
      .pluck()
      .all(channelId) as (string | null)[];
    for (const json of files) {
      if (json === null) continue;
      for (const file of JSON.parse(json) as { id: string }[]) this.forgottenFiles.push(file.id);
    }
    this.unread.forget(channelId);
  }

  /**
   * The files of the messages forgotten since last asked (`forgetMessages`), for the caller to take out
   * of the file cache once the transaction is done. In memory only: a kill -9 before leaves them to the
   * cache's eviction.
   */
  takeForgottenFiles(): string[] {
    return this.forgottenFiles.splice(0);
  }

  channels(): ChannelRow[] {
    return this.sql('SELECT * FROM channels ORDER BY position').all() as ChannelRow[];
  }

  channel(id: string): ChannelRow | undefined {
    return this.sql('SELECT * FROM channels WHERE id = ?').get(id) as ChannelRow | undefined;
  }

  /**
   * Whether a channel is archived, undefined when it is not held here: what a send checks, without
   * reading the whole row (its members list grows with the channel) on every send (bench figure 6).
   */
  channelArchived(id: string): boolean | undefined {
    const archived = this.sql('SELECT archived FROM channels WHERE id = ?').pluck().get(id) as
      | number
      | undefined;
    return archived === undefined ? undefined : archived === 1;
  }

  /** A channel's unread count (unread-counts.ts says what counts), kept in memory once counted. */
  unreadCount(channelId: string): number {
    return this.unread.unread(channelId);
  }

  /** Of the unread messages held here, those that mention us (Slack's red badge); a deleted one no longer counts. */
  unreadMentions(channelId: string): number {
    return this.unread.mentions(channelId);
  }

  /** Unread across channels, muted ones left out (the badge): asked after every batch of arrivals. */
  totalUnread(): number {
    return this.unread.total();
  }

  setMuted(channelId: string, muted: boolean): void {
    this.sql('UPDATE channels SET muted = ? WHERE id = ?').run(muted ? 1 : 0, channelId);
    this.unread.channelsChanged();
  }

  /** The channel's notification preferences as the server keeps them (shared by the user's devices). */
  setPreferences(channelId: string, preferences: { notify: ChannelRow['notify']; muted: boolean }): void {
    // Unchanged (every channel at each catch-up): no row written, so no WAL commit (figure 13: 20 of
    // them at the start of the catch-up, ~2 % of its time).
    this.sql(`
        UPDATE channels SET notify = @notify, muted = @muted
        WHERE id = @id AND (notify IS NOT @notify OR muted IS NOT @muted)`).run({
      notify: preferences.notify,
      muted: preferences.muted ? 1 : 0,
      id: channelId,
    });
    this.unread.channelsChanged();
  }

  setDraft(channelId: string, text: string): void {
    this.sql('UPDATE channels SET draft = ? WHERE id = ?').run(text, channelId);
  }

  /**
   * A channel's first page is stored (inside the caller's transaction): its history cursor goes to the
   * page's last seq, its changes cursor to the page's newest changeSeq. Not to the newest held: a live
   * message stored after the page was answered holds a higher one, while a live change to a message of
   * the page, heard before the page was stored, was dropped (not held yet) and must come by the feed.
   */
  setFirstSyncCursors(channelId: string, page: readonly { seq: number; changeSeq: number }[]): void {
    this.setCursor(channelId, page.at(-1)?.seq ?? 0);
    let changeSeq = 0;
    for (const m of page) changeSeq = Math.max(changeSeq, m.changeSeq);
    this.changes.setCursor(channelId, changeSeq);
  }

  setCursor(channelId: string, cursor: number): void {
    this.sql('UPDATE channels SET cursor = max(coalesce(cursor, 0), ?) WHERE id = ?').run(cursor, channelId);
  }

  /** Moves a synced channel's cursor over messages now held contiguously after it (live arrivals, acks). */
  advanceCursor(channelId: string): void {
    const channel = this.channel(channelId);
    if (!channel || channel.cursor === null) return;
    const seqs = this.sql('SELECT seq FROM messages WHERE channel_id = ? AND seq > ? ORDER BY seq LIMIT 1000')
      .pluck()
      .all(channelId, channel.cursor) as number[];
    let cursor = channel.cursor;
    for (const seq of seqs) {
      if (seq !== cursor + 1) break;
      cursor = seq;
    }
    if (cursor !== channel.cursor) this.setCursor(channelId, cursor);
  }

  /** How many messages (replies included) are held with from <= seq < to. */
  heldBetween(channelId: string, from: number, to: number): number {
    return (
      this.sql('SELECT count(*) AS n FROM messages WHERE channel_id = ? AND seq >= ? AND seq < ?').get(
        channelId,
        from,
        to,
      ) as { n: number }
    ).n;
  }

  /** The newest changeSeq held in a channel (0 when none). */
  maxChangeSeq(channelId: string): number {
    return (this.sql(MAX_CHANGE_SEQ_SQL).get(channelId) as { n: number }).n;
  }

  /**
   * The highest seq held locally in a channel (0 when none). `seq IS NOT NULL` lets SQLite use the
   * partial index messages_by_seq: without it this scanned every message held (bench figure 13).
   */
  maxHeldSeq(channelId: string): number {
    const row = this.sql('SELECT max(seq) AS seq FROM messages WHERE channel_id = ? AND seq IS NOT NULL').get(
      channelId,
    ) as {
      seq: number | null;
    };
    return row.seq ?? 0;
  }

  /**
   * The oldest of our recent messages (within `lookBack` seqs of the newest) that nobody has read
   * yet: catch-up starts before it, so receipts given while we were away arrive with the history.
   */
  oldestUnreadOwnSeq(channelId: string, lookBack: number): number | undefined {
    const row = this.sql(`
        SELECT min(seq) AS seq FROM messages
        WHERE channel_id = ? AND own = 1 AND status IN ('SENT', 'DELIVERED')
          AND seq > (SELECT coalesce(max(seq), 0) FROM messages WHERE channel_id = ? AND seq IS NOT NULL) - ?`).get(
      channelId,
      channelId,
      lookBack,
    ) as { seq: number | null };
    return row.seq ?? undefined;
  }

  /**
   * Advances the read position; returns others' channel messages newly read (they are owed READ
   * receipts). Replies are not among them: a reply is read when its thread is shown (readThread).
   */
  markReadUpTo(channelId: string, seq: number): MessageRow[] {
    return this.transaction(() => {
      const channel = this.channel(channelId);
      if (!channel || seq <= channel.read_seq) return [];
      const newlyRead = this.sql(
        'SELECT * FROM messages WHERE channel_id = ? AND own = 0 AND parent_id IS NULL AND seq > ? AND seq <= ? ORDER BY seq',
      ).all(channelId, channel.read_seq, seq) as MessageRow[];
      this.sql('UPDATE channels SET read_seq = ? WHERE id = ?').run(seq, channelId);
      this.unread.readMoved(channelId, channel.read_seq, seq, newlyRead);
      return newlyRead;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Messages
  // ---------------------------------------------------------------------------------------------

  /**
   * Our new message and its outbox row, in one transaction, committed before this returns. The
   * commit is `synchronous = NORMAL` like every other (see database.ts): in the WAL before this
   * returns, so it survives kill -9, an app crash and a clean reboot; a power cut, a hard reset or
   * an OS crash may lose the last moments' sends, which the user had just typed and never saw Sent.
   */
  queueOwnMessage(m: NewOwnMessage): MessageRow {
    return this.transaction(() => this.insertOwn(m));
  }

  /**
   * queueOwnMessage once its channel is held here and not archived: the check in the same transaction
   * as the insert, so a send takes the WAL's read lock once, not twice (bench figure 6, outbox7).
   */
  queueOwnMessageInOpenChannel(m: NewOwnMessage): MessageRow | 'unknown' | 'archived' {
    return this.transaction(() => {
      const archived = this.channelArchived(m.channelId);
      if (archived === undefined) return 'unknown';
      return archived ? 'archived' : this.insertOwn(m);
    });
  }

  private insertOwn(m: NewOwnMessage): MessageRow {
    // The places first (uploads before their send, as queued): the message keeps its send's (migration 016).
    const uploadOrds = (m.files ?? []).map(() => this.sequence.nextOrd());
    const sendOrd = this.sequence.nextOrd();
    const row = this.insertMessage(
      `INSERT INTO messages (key, client_message_id, channel_id, parent_id, author_id, author_name, content,
                             created_at, own, status, send_ord)
       VALUES (@cmid, @cmid, @channelId, @parentId, @authorId, @authorName, @content, @createdAt, 1, 'SENDING',
               @sendOrd)`,
      {
        cmid: m.clientMessageId,
        channelId: m.channelId,
        parentId: m.parentId ?? null,
        authorId: m.author.id,
        authorName: m.author.name,
        content: m.content,
        createdAt: m.createdAt,
        sendOrd,
      },
    );
    // Each upload sorts after the channel's last send and before this one: (device_seq, ord) order.
    for (const [i, f] of (m.files ?? []).entries()) {
      this.sql(`
          INSERT INTO operations (ord, op_id, kind, message_key, channel_id, queued_at, device_seq,
                                  file_path, file_name, file_mime, file_size)
          VALUES (?, ?, 'upload', ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        uploadOrds[i],
        f.key,
        m.clientMessageId,
        m.channelId,
        m.queuedAt,
        this.sequence.current(m.channelId),
        f.path,
        f.name,
        f.mime,
        f.size,
      );
      if (this.counts) this.counts.sending++;
    }
    this.unread.ownChanged(m.channelId);
    this.sql(`
        INSERT INTO operations (ord, op_id, kind, message_key, channel_id, content, parent_id, queued_at,
                                device_seq)
        VALUES (?, ?, 'send', ?, ?, ?, ?, ?, ?)`).run(
      sendOrd,
      m.clientMessageId,
      m.clientMessageId,
      m.channelId,
      m.content,
      m.parentId ?? null,
      m.queuedAt,
      this.sequence.next(m.channelId),
    );
    if (this.counts) this.counts.sending++;
    return row;
  }

  /**
   * An upload is on the server: its row goes and the file id joins its send's, in one transaction (a
   * kill -9 before the commit uploads again; after it, the send carries this id).
   */
  uploaded(opId: string, file: MessageFile): void {
    this.counts = null;
    this.transaction(() => {
      const op = this.sql(
        `DELETE FROM operations WHERE ${CHANGE_OR_UPLOAD_BY_ID} AND kind = 'upload' RETURNING message_key`,
      ).get(opId) as { message_key: string } | undefined;
      if (!op) return;
      this.sql(`
          UPDATE operations SET files_json = json_insert(files_json, '$[#]', json(@file))
          WHERE ${SEND_OF_KEY}`).run({
        file: JSON.stringify({ id: file.id, name: file.name, size: file.size, mime: file.mime }),
        key: op.message_key,
      });
    });
  }

  /** The op ids of queued uploads: the names of the local copies still needed. */
  uploadKeys(): Set<string> {
    const rows = this.sql("SELECT op_id FROM operations WHERE kind = 'upload'").all() as { op_id: string }[];
    return new Set(rows.map((r) => r.op_id));
  }

  messageByKey(key: string): MessageRow | undefined {
    return this.sql(`SELECT * FROM messages WHERE ${BY_KEY}`).get({ key }) as MessageRow | undefined;
  }

  messageById(id: string): MessageRow | undefined {
    return this.sql('SELECT * FROM messages WHERE id = ?').get(id) as MessageRow | undefined;
  }

  /** The server accepted one of our sends. */
  applyAck(ack: MessageSent): UpsertResult | undefined {
    return this.applyAcks([ack])[0];
  }

  /**
   * Acks that arrived together, in one transaction; a result for each one held here. A repeat inside
   * the batch (the ack and `message:sent` both bring each send) is not looked up again, and the
   * channels' `last_seq` is raised once per channel (bench figure 6); acks.property.test.ts checks the
   * store ends as with the acks applied one at a time.
   */
  applyAcks(acks: readonly MessageSent[]): UpsertResult[] {
    return this.transaction(() => {
      /** Each ack applied in this batch: its row as it is now (a repeat's result, with nothing changed). */
      const applied = new Map<string, MessageRow | undefined>();
      const newest = new Map<string, number>();
      /** The places of the sends these acks end, deleted together after the loop. */
      const sends: number[] = [];
      const results: UpsertResult[] = [];
      for (const ack of acks) {
        const once = `${ack.clientMessageId} ${ack.messageId} ${ack.seq}`;
        if (applied.has(once)) {
          const row = applied.get(once);
          if (row) results.push({ row, inserted: false, changed: false, confirmedSend: false });
          continue;
        }
        const result = this.ackOne(ack, newest, sends);
        applied.set(once, result?.row);
        if (result) results.push(result);
      }
      if (sends.length > 0) this.sql(ACKED_SENDS_DELETE).run(JSON.stringify(sends));
      for (const [channelId, seq] of newest) this.raiseLastSeq(channelId, seq);
      return results;
    });
  }

  /**
   * `newest`: each channel's highest seq acknowledged, raised by the caller once per batch; `sends`: the
   * places of the send rows this ack ends, which the caller deletes once per batch.
   */
  private ackOne(ack: MessageSent, newest: Map<string, number>, sends: number[]): UpsertResult | undefined {
    if (!ack.clientMessageId) return undefined;
    // Raw, built by one literal, with its rowid for the UPDATE (message-row-reader.ts): a `SELECT *` row
    // of messages is a dictionary-mode object, slow to build and to spread into `current` below.
    const raw = this.sql(ACK_READ).raw(true).get(ack.clientMessageId) as unknown[] | undefined;
    if (!raw) return undefined;
    const row = messageRowOf(raw);
    // A repeat (the ack and `message:sent` both bring it): claiming the id and dropping the
    // outbox row happen in one transaction, so an id already held means nothing is left to do.
    if (row.id === ack.messageId && row.seq === ack.seq)
      return { row, inserted: false, changed: false, confirmedSend: false };
    // Bench figure 6: one write of the row and nothing read back (three UPDATEs of it, the last with
    // RETURNING *, were the heaviest part of an ack). Its send row goes with the batch's: the files that
    // send carried (its uploads' answers; the ack names none) are the message's. Its status is what its
    // receipts give it (any that came before the ack), so finishOwn finds it settled.
    const send =
      row.own && raw[ACK_SEND_STATE] !== null
        ? { state: raw[ACK_SEND_STATE] as OperationRow['state'], files_json: raw[ACK_SEND_FILES] as string }
        : undefined;
    if (send) {
      sends.push(row.send_ord as number);
      this.sendGone(send.state);
    }
    const current: MessageRow = {
      ...row,
      id: ack.messageId,
      seq: ack.seq,
      created_at: ack.createdAt,
      failure_code: null,
      failure_message: null,
      status: row.own ? this.statusWithReceipts(row.status, ack.messageId) : row.status,
      files_json: row.files_json ?? (send && send.files_json !== '[]' ? send.files_json : null),
      send_ord: null,
    };
    this.sql(`
        UPDATE messages SET id = @id, seq = @seq, created_at = @createdAt, failure_code = NULL,
          failure_message = NULL, status = @status, files_json = @files, send_ord = NULL
        WHERE rowid = @rowid`).run({
      id: current.id,
      seq: current.seq,
      createdAt: current.created_at,
      status: current.status,
      files: current.files_json,
      rowid: raw[ROWID] as number,
    });
    // Our message's id: a flagged reply to it counts now.
    this.unread.ownChanged(row.channel_id);
    // What finishOwn would do, without reading the receipts a second time: the status is settled.
    newest.set(row.channel_id, Math.max(newest.get(row.channel_id) ?? 0, ack.seq));
    return {
      row: current,
      inserted: false,
      changed: shownDifferently(row, current),
      confirmedSend: send !== undefined,
    };
  }

  /**
   * Stores a message from `message:new` or a history page, once, by server id. Inside the caller's
   * transaction (a batch of arrivals) it takes no savepoint of its own: no caller goes on after one
   * of these throws, so the caller's whole transaction is rolled back anyway, and a savepoint per
   * message cost about a sixth of storing it (figure 13's profile; the server's group commit found
   * the same, src-server/store/sqlite/group-commit.ts).
   */
  upsertServerMessage(m: Message): UpsertResult {
    return this.db.inTransaction
      ? this.storeServerMessage(m)
      : this.transaction(() => this.storeServerMessage(m));
  }

  /**
   * Runs an INSERT into messages and returns the row as stored, read back by its rowid: a third cheaper
   * than `RETURNING *` (which goes through a temporary table) or a read by key (bench figure 6), and one
   * read where a caught-up message was read back twice (figure 13). Read raw and built by
   * `messageRowOf` (a `SELECT *` row of messages has a dictionary of properties: every send's and
   * arrival's row, its view and its event paid for that).
   */
  private insertMessage(
    insert: `${string} ON CONFLICT DO NOTHING`,
    params: Record<string, unknown> | unknown[],
  ): MessageRow | undefined;
  private insertMessage(insert: string, params: Record<string, unknown> | unknown[]): MessageRow;
  private insertMessage(insert: string, params: Record<string, unknown> | unknown[]): MessageRow | undefined {
    const { changes, lastInsertRowid } = this.sql(insert).run(params);
    // None inserted: a conflict the statement does nothing on (lastInsertRowid is an earlier insert's).
    // Only the overload that says so may return nothing; any other statement that inserted nothing
    // (an `INSERT OR IGNORE`) is a defect here, not a row to read back.
    if (changes === 0) {
      if (insert.endsWith(' ON CONFLICT DO NOTHING')) return undefined;
      throw new Error('insertMessage: the statement inserted nothing');
    }
    return messageRowOf(this.sql(READ_BACK).raw(true).get(lastInsertRowid) as unknown[]);
  }

  private storeServerMessage(m: Message): UpsertResult {
    const own = m.userId === this.selfId;
    if (!own) {
      // Others' messages are new in a catch-up: the insert first, which finds a copy held already by
      // its id (the conflict inserts nothing), instead of a lookup before it (figure 13); the row read
      // back raw by its rowid (`insertMessage`), not `RETURNING *`: its temporary table and the
      // dictionary-mode row it builds cost more. Ours may be held under their clientMessageId: looked
      // up first, below.
      const inserted = this.insertMessage(
        `${INSERT_SERVER_MESSAGE} ON CONFLICT DO NOTHING`,
        serverMessageParams(m, false),
      );
      if (inserted) return this.finishInserted(m, inserted);
    }
    let row = this.messageById(m.id);
    if (!row && own && m.clientMessageId) {
      row = this.sql('SELECT * FROM messages WHERE client_message_id = ?').get(m.clientMessageId) as
        | MessageRow
        | undefined;
    }
    if (!row)
      return this.finishInserted(m, this.insertMessage(INSERT_SERVER_MESSAGE, serverMessageParams(m, own)));
    // A part older than the one held (a page fetched before a change we already applied) is not
    // written back over it: each part's changeSeq orders its states (message-state.ts).
    const after = withServerState(row, m.changeSeq, serverState(m));
    const changedServerSide = row.id !== m.id || row.seq !== m.seq || shownDiffers(row, after);
    this.claimServerIdentity(row, m.id, m.seq, m.createdAt);
    if (row.own) {
      if (row.id !== m.id) this.unread.ownChanged(row.channel_id);
    } else if (
      row.id !== m.id ||
      row.seq !== m.seq ||
      row.deleted !== after.deleted ||
      row.mentions_json !== after.mentions_json
    )
      this.unread.forget(row.channel_id);
    // Files never change once posted: kept from the first copy that carried them.
    this.sql(
      `UPDATE messages SET author_name = @name, files_json = COALESCE(files_json, @files) WHERE ${BY_KEY}`,
    ).run({ name: m.user.name, files: m.files?.length ? JSON.stringify(m.files) : null, key: row.key });
    if (stateDiffers(row, after))
      this.sql(`UPDATE messages SET content = ?, ${SET_STATE} WHERE ${BY_KEY}`).run(
        after.content,
        ...stateParams(after),
        { key: row.key },
      );
    for (const r of m.receipts ?? []) this.storeReceipt(m.id, r.userId, r.status, r.at);
    const result = this.finishOwn(row, false);
    return { ...result, changed: result.changed || changedServerSide };
  }

  private finishInserted(m: Message, inserted: MessageRow): UpsertResult {
    this.unread.arrived(inserted);
    // Receipts live in their own table: the message row is as inserted.
    for (const r of m.receipts ?? []) this.storeReceipt(m.id, r.userId, r.status, r.at);
    return this.finishOwn(inserted, true, inserted);
  }

  /**
   * A page of the changes feed, for the messages held here (change-feed.ts); the rows whose shown state
   * changed. Call inside the transaction that stores the feed's cursor.
   */
  applyChangePage(messages: Message[]): MessageRow[] {
    // Deletions and mentions may change: the page's channels are counted again.
    for (const channelId of new Set(messages.map((m) => m.channelId))) this.unread.forget(channelId);
    return applyChangePage(
      (source) => this.sql(source),
      messages,
      (m) => this.upsertServerMessage(m),
    );
  }

  /** Gives a row its server identity; returns the row as it is now. */
  private claimServerIdentity(row: MessageRow, id: string, seq: number, createdAt: string): MessageRow {
    return this.sql(`
        UPDATE messages SET id = @id, seq = @seq, created_at = @createdAt, failure_code = NULL,
          failure_message = NULL
        WHERE ${BY_KEY} RETURNING *`).get({ id, seq, createdAt, key: row.key }) as MessageRow;
  }

  /**
   * After a message got its server id: drop its outbox row, lift its status from SENT and receipts.
   * `current` is the row as it is now, when the caller has it.
   */
  private finishOwn(
    before: MessageRow,
    inserted: boolean,
    current?: MessageRow,
    dropped?: { confirmedSend: boolean },
  ): UpsertResult {
    const row = current ?? (this.messageByKey(before.key) as MessageRow);
    let confirmedSend = dropped?.confirmedSend ?? false;
    if (!dropped && row.own) confirmedSend = this.dropSend(row) !== undefined;
    let after = row;
    if (row.own && row.id) {
      const status = this.statusWithReceipts(row.status, row.id);
      if (status !== row.status) {
        this.sql(`UPDATE messages SET status = @status WHERE ${BY_KEY}`).run({ status, key: row.key });
        after = { ...row, status };
      }
    }
    if (row.seq !== null) this.raiseLastSeq(row.channel_id, row.seq);
    return { row: after, inserted, changed: inserted || shownDifferently(before, after), confirmedSend };
  }

  /**
   * Our send of this message is done: its operation row goes (what it held, or undefined if none was left),
   * found by the place the message keeps (migration 016), its op id and kind checked.
   */
  private dropSend(
    row: Pick<MessageRow, 'client_message_id' | 'send_ord'>,
  ): Pick<OperationRow, 'state' | 'files_json'> | undefined {
    if (row.send_ord === null || row.client_message_id === null) return undefined;
    const removed = this.sql(
      "DELETE FROM operations WHERE ord = ? AND op_id = ? AND kind = 'send' RETURNING state, files_json",
    ).get(row.send_ord, row.client_message_id) as Pick<OperationRow, 'state' | 'files_json'> | undefined;
    if (removed) this.sendGone(removed.state);
    return removed;
  }

  /** A send row in this state is being deleted: the outbox counts held follow. */
  private sendGone(state: OperationRow['state']): void {
    if (this.counts && state === 'pending') this.counts.sending--;
    else if (this.counts && state === 'failed') this.counts.failed--;
  }

  /** An own message with its server id: at least SENT, lifted by every receipt held for it. */
  private statusWithReceipts(status: LocalStatus | null, messageId: string): LocalStatus {
    let lifted = higherStatus(status ?? 'SENT', 'SENT');
    for (const r of this.receiptsFor(messageId)) lifted = higherStatus(lifted, r.status);
    return lifted;
  }

  private raiseLastSeq(channelId: string, seq: number): void {
    this.sql('UPDATE channels SET last_seq = max(last_seq, ?) WHERE id = ?').run(seq, channelId);
  }

  /** Newest page, or the page before a seq, in seq order; unsent messages come last. */
  pageBefore(channelId: string, before: number | undefined, limit: number): MessagePage {
    // The unsent come first from the newest end (they sort after every seq), then the sent by seq.
    const unsent =
      before === undefined
        ? (this.sql(PAGE_BEFORE_SQL.unsent).all(channelId, limit + 1) as MessageRow[])
        : [];
    const sent = this.sql(PAGE_BEFORE_SQL.sent).all(
      channelId,
      before ?? Number.MAX_SAFE_INTEGER,
      limit + 1 - unsent.length,
    ) as MessageRow[];
    const rows = unsent.length > 0 ? unsent.concat(sent) : sent;
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).reverse();
    const oldest = page.find((r) => r.seq !== null)?.seq ?? undefined;
    return { rows: page, hasMore: hasMore || (oldest != null && oldest > 1) };
  }

  /** Up to `limit` messages centred on one message: of the channel, or of its thread for a reply. */
  pageAround(channelId: string, key: string, limit: number): MessagePage | undefined {
    const target = this.messageById(key) ?? this.messageByKey(key);
    if (!target || target.channel_id !== channelId || target.seq === null) return undefined;
    if (target.parent_id !== null) {
      // A reply (a deep link to one) is shown in its thread, not among the channel's messages.
      const replies = this.thread(target.parent_id);
      const at = replies.findIndex((r) => r.key === target.key);
      const start = Math.max(0, at - Math.floor(limit / 2));
      return { rows: replies.slice(start, start + limit), hasMore: false };
    }
    const half = Math.floor(limit / 2);
    const older = this.sql(
      'SELECT * FROM messages WHERE channel_id = ? AND parent_id IS NULL AND seq < ? ORDER BY seq DESC LIMIT ?',
    ).all(channelId, target.seq, half + 1) as MessageRow[];
    const newer = this.sql(
      'SELECT * FROM messages WHERE channel_id = ? AND parent_id IS NULL AND seq >= ? ORDER BY seq LIMIT ?',
    ).all(channelId, target.seq, limit - half) as MessageRow[];
    const olderPage = older.slice(0, half).reverse();
    const first = olderPage[0]?.seq ?? target.seq;
    return { rows: [...olderPage, ...newer], hasMore: older.length > half || first > 1 };
  }

  thread(parentId: string): MessageRow[] {
    return this.sql('SELECT * FROM messages WHERE parent_id = ? ORDER BY seq IS NULL, seq, rowid').all(
      parentId,
    ) as MessageRow[];
  }

  /** A reply that arrived while its thread was not shown: unread until it is (readThread). */
  markReplyUnread(key: string): void {
    const channelId = this.sql(
      `UPDATE messages SET reply_unread = 1 WHERE ${BY_KEY} AND parent_id IS NOT NULL AND own = 0 RETURNING channel_id`,
    )
      .pluck()
      .get({ key }) as string | undefined;
    if (channelId !== undefined) this.unread.forget(channelId);
  }

  /** The thread is shown: its unread replies are read now; returns them (they are owed READ receipts). */
  readThread(parentId: string): MessageRow[] {
    const read = this.sql(
      'UPDATE messages SET reply_unread = 0 WHERE parent_id = ? AND reply_unread = 1 RETURNING *',
    ).all(parentId) as MessageRow[];
    for (const r of read) this.unread.forget(r.channel_id);
    return read;
  }

  /** The user is in this thread: it is their message, or they replied in it. */
  inThread(parentId: string): boolean {
    return (
      (
        this.sql(
          `SELECT EXISTS (SELECT 1 FROM messages WHERE id = ? AND own = 1)
             OR EXISTS (SELECT 1 FROM messages WHERE parent_id = ? AND own = 1) AS yes`,
        ).get(parentId, parentId) as { yes: number }
      ).yes === 1
    );
  }

  replyCount(messageId: string): number {
    return (
      this.sql('SELECT count(*) AS n FROM messages WHERE parent_id = ?').get(messageId) as {
        n: number;
      }
    ).n;
  }

  /**
   * Cached messages matching every word of `query` (prefixes), newest cached first. The index catches up
   * first, so a message sent or edited a moment ago is found by its text and a deleted one is not.
   */
  search(query: string, options: { channelId?: string; limit: number }): MessageRow[] {
    while (this.indexForSearch(SEARCH_INDEX_BATCH) === SEARCH_INDEX_BATCH);
    return searchMessages((source) => this.sql(source), query, options);
  }

  /**
   * Brings the search index up to date for up to `limit` written messages, in one transaction; returns
   * how many (fewer than `limit`: it is up to date). Off the write path (migration 010): the core's idle
   * tick calls it, and every search.
   */
  indexForSearch(limit: number = SEARCH_INDEX_BATCH): number {
    return this.transaction(() => indexPending((source) => this.sql(source), limit));
  }

  /** How many written messages the search index has still to take in. */
  searchIndexBacklog(): number {
    return pendingCount((source) => this.sql(source));
  }

  /** All messages of a channel with a seq, in seq order (tests and diagnostics). */
  allInChannel(channelId: string): MessageRow[] {
    return this.sql('SELECT * FROM messages WHERE channel_id = ? ORDER BY seq IS NULL, seq, rowid').all(
      channelId,
    ) as MessageRow[];
  }

  // ---------------------------------------------------------------------------------------------
  // The operation queue: sends and changes, FIFO per channel in (device_seq, ord) order
  // ---------------------------------------------------------------------------------------------

  /** Channels with operations waiting to go (one index seek per channel, however long the queue). */
  pendingChannels(): string[] {
    return this.sql(`
        WITH RECURSIVE c (id) AS (
          SELECT min(channel_id) FROM operations WHERE state = 'pending'
          UNION ALL
          SELECT (SELECT min(channel_id) FROM operations WHERE state = 'pending' AND channel_id > c.id)
          FROM c WHERE c.id IS NOT NULL
        )
        SELECT id FROM c WHERE id IS NOT NULL`)
      .pluck()
      .all() as string[];
  }

  /** The first `limit` pending operations of a channel, in queue order (a retried send goes last). */
  pendingIn(channelId: string, limit: number): OperationRow[] {
    const raw = this.sql(PENDING_IN_SQL).raw(true).all(channelId, limit) as unknown[][];
    return raw.map(operationRowOf);
  }

  /**
   * Up to `limit` pending operations of a channel queued after the one at (deviceSeq, ord), in order: the
   * pump's read after every ack batch (bench figure 6), raw rows built by `operationRowOf`.
   */
  pendingAfter(channelId: string, after: { device_seq: number; ord: number }, limit: number): OperationRow[] {
    const raw = this.sql(PENDING_AFTER_SQL)
      .raw(true)
      .all(channelId, after.device_seq, after.ord, limit) as unknown[][];
    return raw.map(operationRowOf);
  }

  /**
   * The server expects `from` next in this channel (OUT_OF_ORDER): the pending sends, in their order,
   * are numbered from there, and each change keeps its place behind the send it followed. Nothing of
   * the channel may be in flight. Safe whatever the server holds: a message it already stored is
   * answered as a replay (by clientMessageId) whatever its number, and one it refused for good is
   * refused again.
   */
  renumberPending(channelId: string, from: number): void {
    this.transaction(() => {
      const rows = this.pendingIn(channelId, -1);
      const renumber = this.sql('UPDATE operations SET device_seq = ? WHERE ord = ?');
      let sends = 0;
      for (const row of rows) {
        if (row.kind === 'send') sends++;
        renumber.run(from + sends - 1, row.ord);
      }
      this.sequence.restartAt(channelId, from, sends);
    });
  }

  /** One operation by its id (a send's is its clientMessageId). */
  outboxRow(opId: string): OperationRow | undefined {
    return this.sql(`SELECT * FROM operations WHERE ${OPERATION_BY_ID}`).get({ opId }) as
      | OperationRow
      | undefined;
  }

  outbox(): OperationRow[] {
    return this.sql('SELECT * FROM operations ORDER BY ord').all() as OperationRow[];
  }

  /**
   * Kept in memory once counted: counting walks the whole queue, and the UI is told the counts
   * after every send and ack. A queued send and an acked one adjust it; any other queue write
   * (fail, retry, discard, a change, a rolled-back transaction) drops it, to be counted again.
   */
  outboxCounts(): { sending: number; failed: number } {
    this.counts ??= this.sql(`
        SELECT coalesce(sum(state = 'pending'), 0) AS sending, coalesce(sum(state = 'failed'), 0) AS failed
        FROM operations`).get() as { sending: number; failed: number };
    return { ...this.counts };
  }

  /** Forget the cached counts (a write the counter does not follow). */
  recount(): void {
    this.counts = null;
  }

  /** Pending operations queued at or before `cutoff`. */
  queuedBefore(cutoff: number): OperationRow[] {
    return this.sql("SELECT * FROM operations WHERE state = 'pending' AND queued_at <= ? ORDER BY ord").all(
      cutoff,
    ) as OperationRow[];
  }

  /** The oldest queued_at of pending operations after `cutoff`. */
  oldestQueuedAt(cutoff: number): number | undefined {
    const row = this.sql(
      "SELECT min(queued_at) AS t FROM operations WHERE state = 'pending' AND queued_at > ?",
    ).get(cutoff) as { t: number | null };
    return row.t ?? undefined;
  }

  /** A new connection: nothing needs to wait out the backoff of the last one. */
  clearBackoff(): void {
    this.sql(
      "UPDATE operations SET next_attempt_at = 0 WHERE state = 'pending' AND next_attempt_at > 0",
    ).run();
  }

  /** The wait for `nextAttemptAt` is over (timed on a monotonic clock): due now, unless rescheduled since. */
  dueNow(opId: string, nextAttemptAt: number): void {
    this.sql(
      `UPDATE operations SET next_attempt_at = 0 WHERE ${OPERATION_BY_ID} AND next_attempt_at = @at AND +state = 'pending'`,
    ).run({ opId, at: nextAttemptAt });
  }

  scheduleRetry(opId: string, nextAttemptAt: number): void {
    this.sql(
      `UPDATE operations SET attempts = attempts + 1, next_attempt_at = @at WHERE ${OPERATION_BY_ID}`,
    ).run({
      at: nextAttemptAt,
      opId,
    });
  }

  /**
   * An operation gave up (visible Failed, to retry or discard). A send takes the changes queued on its
   * message with it: they cannot go before it. Returns the message whose view changed.
   */
  markFailed(opId: string, code: string, message: string): MessageRow | undefined {
    this.counts = null;
    return this.transaction(() => {
      const op = this.sql(`
          UPDATE operations SET state = 'failed', failure_code = @code, failure_message = @message
          WHERE ${OPERATION_BY_ID} AND +state = 'pending' RETURNING *`).get({ code, message, opId }) as
        | OperationRow
        | undefined;
      if (!op) return undefined;
      if (op.kind === 'send') {
        this.sql(`
            UPDATE messages SET status = 'FAILED', failure_code = ?, failure_message = ?
            WHERE client_message_id = ? AND status = 'SENDING'`).run(code, message, op.message_key);
        this.sql(`
            UPDATE operations SET state = 'failed', failure_code = 'MESSAGE_NOT_SENT',
              failure_message = 'Its message was not sent'
            WHERE message_key = ? AND kind != 'send' AND state = 'pending'`).run(op.message_key);
      }
      return this.messageByKey(op.message_key);
    });
  }

  /**
   * The failed operations, in queue order: one send and the changes failed with it, one change, or
   * all of them when no id is given.
   */
  private failedOperations(opId?: string): OperationRow[] {
    if (opId === undefined)
      return this.sql(
        "SELECT * FROM operations WHERE state = 'failed' ORDER BY device_seq, ord",
      ).all() as OperationRow[];
    const op = this.outboxRow(opId);
    if (op?.state !== 'failed') return [];
    if (op.kind !== 'send') return [op];
    // The send's failed uploads and changes, on `operations_by_message` (not every failed row). Uploads
    // first: each is renumbered behind the channel's last send, then the send takes the next number.
    const others = this.sql(
      "SELECT * FROM operations WHERE message_key = ? AND kind != 'send' AND +state = 'failed' ORDER BY kind != 'upload', device_seq, ord",
    ).all(op.message_key) as OperationRow[];
    const uploads = others.findIndex((o) => o.kind !== 'upload');
    const at = uploads < 0 ? others.length : uploads;
    return [...others.slice(0, at), op, ...others.slice(at)];
  }

  /**
   * Puts failed operations back in the queue (all of them when no id is given), at its end, in their
   * order, with a fresh retry window. Returns the messages whose view changed.
   */
  retry(now: number, opId?: string): MessageRow[] {
    this.counts = null;
    return this.transaction(() => {
      const ops = this.failedOperations(opId);
      // A send gets a new number (its old one may be used up by a refusal for good, or skipped since);
      // a change goes behind the last send of its channel.
      const requeue = this.sql(`
        UPDATE operations SET state = 'pending', attempts = 0, next_attempt_at = 0, queued_at = ?,
                              failure_code = NULL, failure_message = NULL, device_seq = ?, ord = ?
        WHERE ord = ?`);
      // A send's new place goes on its message too: it is how the send is found (migration 016).
      const movePlace = this.sql('UPDATE messages SET send_ord = ? WHERE client_message_id = ?');
      const resetMessage = this.sql(`
        UPDATE messages SET status = 'SENDING', failure_code = NULL, failure_message = NULL
        WHERE client_message_id = ? AND status = 'FAILED'`);
      const keys = new Set<string>();
      for (const op of ops) {
        const number =
          op.kind === 'send' ? this.sequence.next(op.channel_id) : this.sequence.current(op.channel_id);
        const place = this.sequence.nextOrd();
        requeue.run(now, number, place, op.ord);
        if (op.kind === 'send') {
          movePlace.run(place, op.message_key);
          resetMessage.run(op.message_key);
        }
        keys.add(op.message_key);
      }
      return [...keys].map((key) => this.messageByKey(key)).filter((r): r is MessageRow => r !== undefined);
    });
  }

  /**
   * Drops failed operations (all of them when no id is given). A dropped send takes its message and its
   * changes; a dropped change just stops being shown. `removed`: messages gone; `changed`: messages
   * shown as before the dropped changes.
   */
  discard(opId?: string): { removed: MessageRow[]; changed: MessageRow[] } {
    this.counts = null;
    return this.transaction(() => {
      const removed: MessageRow[] = [];
      const changed = new Map<string, MessageRow>();
      for (const op of this.failedOperations(opId)) {
        const message = this.messageByKey(op.message_key);
        this.sql('DELETE FROM operations WHERE ord = ?').run(op.ord);
        if (op.kind === 'send') {
          this.sql(OPERATIONS_OF_MESSAGE_DELETE).run({ key: op.message_key });
          this.sql('DELETE FROM messages WHERE client_message_id = ? AND id IS NULL').run(op.message_key);
          this.unread.ownChanged(op.channel_id);
          if (message) removed.push(message);
          changed.delete(op.message_key);
        } else if (message && !removed.some((r) => r.key === message.key)) {
          changed.set(message.key, message);
        }
      }
      return { removed, changed: [...changed.values()] };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Receipts
  // ---------------------------------------------------------------------------------------------

  /**
   * A receipt for one of our messages. Kept even when the message is not here yet (it is applied
   * when the message arrives). Returns the message row when its shown status or "seen by" changed.
   */
  applyReceipt(ev: ReceiptEvent): MessageRow | undefined {
    if (ev.status === 'FAILED') return undefined;
    return this.transaction(() => {
      const stored = this.storeReceipt(ev.messageId, ev.userId, ev.status, ev.at);
      const row = this.messageById(ev.messageId);
      if (!row?.own) return undefined;
      const status = higherStatus(row.status ?? 'SENT', ev.status);
      if (status !== row.status)
        this.sql(`UPDATE messages SET status = @status WHERE ${BY_KEY}`).run({ status, key: row.key });
      return stored || status !== row.status ? this.messageByKey(row.key) : undefined;
    });
  }

  /** Keeps the higher status per recipient; returns whether anything changed. */
  private storeReceipt(messageId: string, userId: string, status: string, at: string): boolean {
    if (status !== 'SENT' && status !== 'DELIVERED' && status !== 'READ') return false;
    const existing = this.sql('SELECT * FROM receipts WHERE message_id = ? AND user_id = ?').get(
      messageId,
      userId,
    ) as ReceiptRow | undefined;
    if (existing && higherStatus(existing.status, status) === existing.status) return false;
    this.sql(`
        INSERT INTO receipts (message_id, user_id, status, at) VALUES (?, ?, ?, ?)
        ON CONFLICT (message_id, user_id) DO UPDATE SET status = excluded.status, at = excluded.at`).run(
      messageId,
      userId,
      status,
      at,
    );
    return true;
  }

  receiptsFor(messageId: string): ReceiptRow[] {
    return this.sql('SELECT * FROM receipts WHERE message_id = ? ORDER BY at').all(messageId) as ReceiptRow[];
  }

  /** Queues a receipt we owe the server; a READ replaces a waiting DELIVERED, never the reverse. */
  queueReceipt(messageId: string, channelId: string, status: 'DELIVERED' | 'READ'): void {
    this.sql(`
        INSERT INTO receipt_outbox (message_id, channel_id, status) VALUES (?, ?, ?)
        ON CONFLICT (message_id) DO UPDATE SET status = 'READ', attempts = 0 WHERE excluded.status = 'READ'`).run(
      messageId,
      channelId,
      status,
    );
  }

  pendingReceipts(limit: number): ReceiptOutboxRow[] {
    return this.sql('SELECT * FROM receipt_outbox ORDER BY rowid LIMIT ?').all(limit) as ReceiptOutboxRow[];
  }

  /**
   * The server has these receipts (or refused them for good): forget them, unless one was raised
   * meanwhile. One commit for a batch: one a receipt was a WAL commit each, a third of the app's CPU in a
   * catch-up of 10,000 (bench figure 13).
   */
  receiptsDone(done: readonly { message_id: string; status: 'DELIVERED' | 'READ' }[]): void {
    if (done.length === 0) return;
    const forget = this.sql('DELETE FROM receipt_outbox WHERE message_id = ? AND status = ?');
    this.transaction(() => {
      for (const r of done) forget.run(r.message_id, r.status);
    });
  }
}

/** The workspace's columns of a channel row (issue 13). */
function infoColumns(c: ChannelInfo) {
  return {
    kind: c.kind,
    private: c.private ? 1 : 0,
    topic: c.topic,
    archived: c.archived ? 1 : 0,
    createdBy: c.createdBy ?? null,
  };
}

/** Whether the UI shows an own message differently after a write: its status, place, id or failure. */
function shownDifferently(before: MessageRow, after: MessageRow): boolean {
  return (
    after.status !== before.status ||
    after.seq !== before.seq ||
    after.id !== before.id ||
    after.failure_code !== before.failure_code
  );
}
