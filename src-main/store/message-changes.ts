/**
 * Changes of messages in the local store (issue 14): our queued edits, deletions and reactions (rows of
 * the operation queue, written in the transaction that shows them), and the server's changes as they
 * arrive (`message:updated`, `message:deleted`, `reaction:updated`, the changes feed).
 *
 * The messages table holds each message as the server last said; our own queued changes are shown over
 * it (core/message-changes.ts) until acknowledged, when their effect is written into it with the change's
 * changeSeq. A change the server refuses for good is just dropped: the view falls back to what the server
 * said, with nothing to undo by hand. A server state is written only if its changeSeq is not older than the
 * one held, so a late broadcast or a page fetched before a change never goes back.
 */
import type { Statement } from 'better-sqlite3';
import type { Reaction } from '../../src-shared/protocol';
import type { DeviceSequence } from './device-sequence';
import { BY_KEY, type ChangeKind, type MessageRow, type OperationRow } from './rows';

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
    this.sql('DELETE FROM operations WHERE op_id = ?').run(op.op_id);
    const row = this.sql(`SELECT * FROM messages WHERE ${BY_KEY}`).get({ key: op.message_key }) as
      | MessageRow
      | undefined;
    if (!row || changeSeq < row.change_seq) return row;
    const next = { ...row, change_seq: changeSeq };
    if (op.kind === 'edit' && op.content !== null && !row.deleted) {
      next.content = op.content;
      next.edited_at = at;
    } else if (op.kind === 'delete') {
      // As the server does: a tombstone keeps no text and no reactions.
      next.content = '';
      next.deleted = 1;
      next.reactions_json = '[]';
    } else if ((op.kind === 'react' || op.kind === 'unreact') && op.emoji !== null) {
      next.reactions_json = JSON.stringify(
        withReaction(
          JSON.parse(row.reactions_json) as Reaction[],
          op.emoji,
          this.selfId,
          op.kind === 'react',
        ),
      );
    }
    return this.write(next);
  }

  /** The server refused our change for good: it is dropped (what it showed goes with it). */
  refused(opId: string): OperationRow | undefined {
    this.onQueueWrite();
    return this.sql('DELETE FROM operations WHERE op_id = ? RETURNING *').get(opId) as
      | OperationRow
      | undefined;
  }

  /** `message:deleted`: a tombstone, unless a newer state is held. */
  deleted(messageId: string, changeSeq: number | undefined): MessageRow | undefined {
    const row = this.byId(messageId);
    if (!row || row.deleted === 1 || (changeSeq !== undefined && changeSeq < row.change_seq))
      return undefined;
    return this.write({
      ...row,
      content: '',
      deleted: 1,
      reactions_json: '[]',
      change_seq: changeSeq ?? row.change_seq,
    });
  }

  /** `reaction:updated`: all of the message's reactions, unless a newer state is held. */
  reactions(messageId: string, reactions: Reaction[], changeSeq: number | undefined): MessageRow | undefined {
    const row = this.byId(messageId);
    if (!row || (changeSeq !== undefined && changeSeq < row.change_seq)) return undefined;
    const json = JSON.stringify(reactions);
    if (json === row.reactions_json && (changeSeq ?? row.change_seq) === row.change_seq) return undefined;
    return this.write({ ...row, reactions_json: json, change_seq: changeSeq ?? row.change_seq });
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

  private byId(messageId: string): MessageRow | undefined {
    return this.sql('SELECT * FROM messages WHERE id = ?').get(messageId) as MessageRow | undefined;
  }

  private write(row: MessageRow): MessageRow {
    const written = this.sql(`
        UPDATE messages SET content = @content, edited_at = @edited_at, deleted = @deleted,
          reactions_json = @reactions_json, change_seq = @change_seq
        WHERE ${BY_KEY} RETURNING *`).get({
      content: row.content,
      edited_at: row.edited_at,
      deleted: row.deleted,
      reactions_json: row.reactions_json,
      change_seq: row.change_seq,
      key: row.key,
    }) as MessageRow;
    this.onMessageWrite(written);
    return written;
  }
}

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
