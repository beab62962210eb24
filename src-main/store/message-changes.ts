/**
 * Changes of messages in the local store (issue 14): our queued edits, deletions and reactions (rows of
 * the operation queue, written in the transaction that shows them), and the server's changes as they
 * arrive (`message:updated`, `message:deleted`, `reaction:updated`, the changes feed).
 *
 * The messages table holds each message as the server last said; our own queued changes are shown over
 * it (core/message-changes.ts) until acknowledged, when their effect is written into it with the change's
 * changeSeq. A change the server refuses for good is just dropped: the view falls back to what the server
 * said, with nothing to undo by hand. A server state is written only if its changeSeq is not older than the
 * one held, so a late broadcast or a page fetched before a change never goes back; the text and the
 * reactions each keep their own (message-state.ts, migration 014).
 */
import type { Statement } from 'better-sqlite3';
import type { Reaction } from '../../src-shared/protocol';
import type { DeviceSequence } from './device-sequence';
import {
  type ContentState,
  contentSeq,
  reactionsSeq,
  SET_STATE,
  type ServerState,
  stateDiffers,
  stateParams,
  withServerState,
} from './message-state';
import { BY_KEY, CHANGE_OR_UPLOAD_BY_ID, type ChangeKind, type MessageRow, type OperationRow } from './rows';

/** A channel's messages' changeSeqs, newest message first (advanceCursor), on the channel's index. */
export const NEWEST_CHANGES_SQL =
  'SELECT change_seq FROM messages WHERE channel_id = ? AND seq IS NOT NULL ORDER BY seq DESC';

type Sql = (source: string) => Statement<unknown[], unknown>;

export interface NewChange {
  opId: string;
  kind: ChangeKind;
  channelId: string;
  messageKey: string;
  content?: string;
  emoji?: string;
  queuedAt: number;
}

export class MessageChanges {
  constructor(
    private readonly sql: Sql,
    private readonly sequence: DeviceSequence,
    private readonly selfId: string,
    private readonly onQueueWrite: () => void,
    /** A message written (its deletion, its text, its reactions). */
    private readonly onMessageWrite: (row: MessageRow) => void = () => {},
  ) {}

  /** Queues a change behind everything queued in its channel (call inside the transaction that shows it). */
  queue(change: NewChange): OperationRow {
    this.onQueueWrite();
    return this.sql(`
        INSERT INTO operations (ord, op_id, kind, channel_id, message_key, content, emoji, queued_at, device_seq)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`).get(
      this.sequence.nextOrd(),
      change.opId,
      change.kind,
      change.channelId,
      change.messageKey,
      change.content ?? null,
      change.emoji ?? null,
      change.queuedAt,
      this.sequence.current(change.channelId),
    ) as OperationRow;
  }

  /** Our queued changes of a message (pending or failed), in queue order: they are shown over it. */
  of(messageKey: string): OperationRow[] {
    return this.sql(
      "SELECT * FROM operations WHERE message_key = ? AND kind != 'send' AND kind != 'upload' ORDER BY device_seq, ord",
    ).all(messageKey) as OperationRow[];
  }

  /**
   * The server applied our change (its ack): the operation is done and its effect is now the server's
   * state, at the ack's changeSeq (the broadcast of the same change, or a later one, may refine it).
   */
  completed(op: OperationRow, changeSeq: number, at: string): MessageRow | undefined {
    this.onQueueWrite();
    this.sql(`DELETE FROM operations WHERE ${CHANGE_OR_UPLOAD_BY_ID}`).run(op.op_id);
    const row = this.sql(`SELECT * FROM messages WHERE ${BY_KEY}`).get({ key: op.message_key }) as
      | MessageRow
      | undefined;
    if (!row) return row;
    // What the server said of this very change is kept over our reckoning of it (its edit time): its
    // broadcast reaches our own socket before the ack.
    const { content, reactions_json } = this.effect(op, row, at);
    const reckoned = withServerState(row, changeSeq, {
      ...(content && contentSeq(row) < changeSeq ? { content } : {}),
      ...(reactions_json !== undefined && reactionsSeq(row) < changeSeq ? { reactions_json } : {}),
    });
    // Our reckoning is not the server's state at k (our clock's edit time; mentions the server works
    // out): the parts take k, so older news of them is stale, but change_seq, which says which server
    // change the row is (advanceCursor's walk), does not, so the feed still brings k itself. Without the
    // broadcast (the op resent after a reconnect is answered, not broadcast again) nothing else would.
    const next = { ...reckoned, change_seq: row.change_seq };
    return stateDiffers(row, next) ? this.write(next) : row;
  }

  /** What our acknowledged change says of the message: its text's part or its reactions. */
  private effect(op: OperationRow, row: MessageRow, at: string): ServerState {
    if (op.kind === 'edit' && op.content !== null && !row.deleted)
      return { content: { ...contentOf(row), content: op.content, edited_at: at } };
    if (op.kind === 'delete') return tombstone(row);
    if ((op.kind === 'react' || op.kind === 'unreact') && op.emoji !== null) {
      const reactions = JSON.parse(row.reactions_json) as Reaction[];
      return {
        reactions_json: JSON.stringify(withReaction(reactions, op.emoji, this.selfId, op.kind === 'react')),
      };
    }
    return {};
  }

  /** The server refused our change for good: it is dropped (what it showed goes with it). */
  refused(opId: string): OperationRow | undefined {
    this.onQueueWrite();
    return this.sql(`DELETE FROM operations WHERE ${CHANGE_OR_UPLOAD_BY_ID} RETURNING *`).get(opId) as
      | OperationRow
      | undefined;
  }

  /** `message:deleted`: a tombstone, unless a newer text is held. */
  deleted(messageId: string, changeSeq: number | undefined): MessageRow | undefined {
    const row = this.byId(messageId);
    if (!row || row.deleted === 1) return undefined;
    const next = withServerState(row, changeSeq ?? row.change_seq, tombstone(row));
    return next.deleted === 1 ? this.write(next) : undefined;
  }

  /** `reaction:updated`: all of the message's reactions, unless newer reactions are held. */
  reactions(messageId: string, reactions: Reaction[], changeSeq: number | undefined): MessageRow | undefined {
    const row = this.byId(messageId);
    if (!row) return undefined;
    const next = withServerState(row, changeSeq ?? row.change_seq, {
      reactions_json: JSON.stringify(reactions),
    });
    return stateDiffers(row, next) ? this.write(next) : undefined;
  }

  /** The changeSeq a channel's catch-up resumes after (undefined: never caught up). */
  cursor(channelId: string): number | undefined {
    const row = this.sql('SELECT change_cursor FROM channels WHERE id = ?').get(channelId) as
      | { change_cursor: number | null }
      | undefined;
    return row?.change_cursor ?? undefined;
  }

  setCursor(channelId: string, changeSeq: number): void {
    this.sql('UPDATE channels SET change_cursor = max(coalesce(change_cursor, 0), ?) WHERE id = ?').run(
      changeSeq,
      channelId,
    );
  }

  /**
   * Moves a channel's cursor over the changes the messages held already are, numbered without a gap
   * after it; the cursor after (undefined: never caught up). Every change takes the channel's next
   * changeSeq, a new message too, so after a catch-up of new messages the feed would bring each one
   * again (bench figure 13: 10,000 fetched, parsed and compared a second time, the catch-up's next
   * channel waiting behind them). A message held at changeSeq k is the one the server's change k was
   * made to, as that change left it (our own acknowledged change, reckoned here, does not raise
   * change_seq: `completed`; a tombstone is the server's); if each number from the cursor + 1 to P is
   * so held, no other message changed in between and none of those was changed again up to P (that
   * change's number would be held by nobody), so what the feed says of (cursor, P] is held already. The first number
   * held by nobody (a change to a message not held, a later change to one held at an older state, a
   * number the server skipped) stops it there; the feed brings that one and all after it.
   */
  advanceCursor(channelId: string): number | undefined {
    const from = this.cursor(channelId);
    if (from === undefined) return undefined;
    // The newest messages, newest first, up to the first one with no change after the cursor: the
    // messages sent since it (a message's first changeSeq grows with its seq), not the channel's whole
    // cache (figure 13: 3,000 rows a channel, 20 channels). A message missed here (an older one changed
    // live) only stops the walk at its number sooner: the feed brings it. Only messages the server
    // numbered carry a change_seq: `seq IS NOT NULL` lets the channel's partial index answer.
    const held = new Set<number>();
    const newest = this.sql(NEWEST_CHANGES_SQL).pluck();
    for (const changeSeq of newest.iterate(channelId) as IterableIterator<number>) {
      if (changeSeq <= from) break;
      held.add(changeSeq);
    }
    let cursor = from;
    for (const changeSeq of [...held].sort((a, b) => a - b)) {
      if (changeSeq !== cursor + 1) break;
      cursor = changeSeq;
    }
    if (cursor !== from) this.setCursor(channelId, cursor);
    return cursor;
  }

  private byId(messageId: string): MessageRow | undefined {
    return this.sql('SELECT * FROM messages WHERE id = ?').get(messageId) as MessageRow | undefined;
  }

  private write(row: MessageRow): MessageRow {
    const written = this.sql(`UPDATE messages SET content = ?, ${SET_STATE} WHERE ${BY_KEY} RETURNING *`).get(
      row.content,
      ...stateParams(row),
      { key: row.key },
    ) as MessageRow;
    this.onMessageWrite(written);
    return written;
  }
}

/** A message's text part as held. */
const contentOf = (row: MessageRow): ContentState => ({
  content: row.content,
  edited_at: row.edited_at,
  deleted: row.deleted,
  mentions_json: row.mentions_json,
});

/** As the server's (src-server/store/changes.ts): no text, no mentions, no reactions; the edit time kept. */
const tombstone = (row: MessageRow): ServerState => ({
  content: { ...contentOf(row), content: '', deleted: 1, mentions_json: '[]' },
  reactions_json: '[]',
});

/** Reactions with `userId` added to (or removed from) `emoji`; an emoji nobody has left is dropped. */
export function withReaction(reactions: Reaction[], emoji: string, userId: string, add: boolean): Reaction[] {
  const out = reactions.map((r) => ({ emoji: r.emoji, userIds: [...r.userIds] }));
  let entry = out.find((r) => r.emoji === emoji);
  if (add && !entry) {
    entry = { emoji, userIds: [] };
    out.push(entry);
  }
  if (!entry) return out;
  const has = entry.userIds.includes(userId);
  if (add && !has) entry.userIds.push(userId);
  if (!add && has) entry.userIds = entry.userIds.filter((u) => u !== userId);
  return out.filter((r) => r.userIds.length > 0);
}
