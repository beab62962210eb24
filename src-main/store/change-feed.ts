/**
 * A page of the server's changes feed (`GET /api/channels/:id/changes`, catch-up after being away),
 * applied in one pass (bench figure 12: 10,000 changes under 1 s). Written to leave the store exactly as
 * `upsertServerMessage` one message at a time would (change-feed.test.ts compares the two), but with one
 * lookup for the whole page and, for a message whose identity is already settled, only the statement that
 * writes what changed: no re-lookups, no identity claim, no send bookkeeping, and the content (whose
 * update notes the message for the search index, migration 010) only when it differs. The page's held
 * rows are read raw (message-row-reader.ts: a `SELECT *` row of messages is slow to build and to copy)
 * with their rowids, and each update finds its row by rowid.
 */
import type { Statement } from 'better-sqlite3';
import type { Message } from '../../src-shared/protocol';
import { MESSAGE_COLUMNS_AND_ROWID, messageRowOf, ROWID } from './message-row-reader';
import {
  SET_STATE,
  type ServerState,
  shownDiffers,
  stateDiffers,
  stateParams,
  withServerState,
} from './message-state';
import type { MessageRow } from './rows';

type Sql = (source: string) => Statement<unknown[], unknown>;

/** A server message's changing fields, both parts, as `withServerState` takes them. */
export function serverState(m: Message): ServerState {
  const fields = changeFields(m);
  return {
    content: {
      content: m.content,
      edited_at: fields.editedAt ?? null,
      deleted: fields.deleted,
      mentions_json: fields.mentions,
    },
    reactions_json: fields.reactions,
  };
}

/** A server message's changing fields as the messages table holds them. */
export function changeFields(m: Message) {
  return {
    editedAt: m.editedAt,
    deleted: m.deleted ? 1 : 0,
    mentions: jsonList(m.mentions),
    reactions: jsonList(m.reactions),
    changeSeq: m.changeSeq,
  };
}

/** Most messages have no mentions and no reactions: '[]' without a JSON.stringify (figure 12's profile). */
const jsonList = (list: unknown[]) => (list.length === 0 ? '[]' : JSON.stringify(list));

// By rowid, read with the row: the key would be one more index lookup per message.
/**
 * The two forms of a message's update, built once: the statement cache is keyed by the SQL text, and a
 * text built per message had to be hashed again each time (bench figure 12, 10,000 messages).
 */
const UPDATE_CHANGES = `UPDATE messages SET ${SET_STATE} WHERE rowid = ?`;
const UPDATE_WITH_CONTENT = `UPDATE messages SET content = ?, ${SET_STATE} WHERE rowid = ?`;
const HELD = `SELECT ${MESSAGE_COLUMNS_AND_ROWID} FROM messages WHERE id IN (SELECT value FROM json_each(?))`;

/**
 * Stores the page's messages that are held here (others are skipped: a page fetched later is current);
 * the rows whose shown state changed, as they are now. Call inside the transaction that also stores the
 * feed's cursor. `upsert` is the one-message path, for a message whose identity is not settled yet.
 */
export function applyChangePage(
  sql: Sql,
  messages: Message[],
  upsert: (m: Message) => { row: MessageRow; changed: boolean },
): MessageRow[] {
  const held = new Map<string, MessageRow>();
  const rowids = new Map<string, number>();
  const raw = sql(HELD)
    .raw(true)
    .all(JSON.stringify(messages.map((m) => m.id))) as unknown[][];
  for (const r of raw) {
    const row = messageRowOf(r);
    held.set(row.id as string, row);
    rowids.set(row.id as string, r[ROWID] as number);
  }
  const changed: MessageRow[] = [];
  const lastSeq = new Map<string, number>();
  for (const m of messages) {
    const row = held.get(m.id);
    if (!row) continue;
    if (!settled(row, m)) {
      const result = upsert(m);
      if (result.changed) changed.push(result.row);
      held.set(m.id, result.row);
      continue;
    }
    lastSeq.set(row.channel_id, Math.max(lastSeq.get(row.channel_id) ?? 0, row.seq as number));
    const after = newState(row, m);
    if (!after) continue;
    const content = after.content !== row.content;
    sql(content ? UPDATE_WITH_CONTENT : UPDATE_CHANGES).run(
      ...(content ? [after.content] : []),
      ...stateParams(after),
      rowids.get(m.id),
    );
    held.set(m.id, after);
    if (shownDiffers(row, after)) changed.push(after);
  }
  // What upsertServerMessage does per message, once per channel: last_seq only ever rises.
  for (const [channelId, seq] of lastSeq)
    sql('UPDATE channels SET last_seq = max(last_seq, ?) WHERE id = ?').run(seq, channelId);
  return changed;
}

/**
 * True when the one-message path would find nothing to do for this row but write its changing fields:
 * its server identity is the message's (same seq and time, no failure left to clear), its author's name
 * and files are as held, the message brings no receipts, and, for our own, it is past SENDING/FAILED
 * (its send row went in the transaction that gave it its id, and every receipt since lifted its status).
 */
function settled(row: MessageRow, m: Message): boolean {
  return (
    row.seq === m.seq &&
    row.created_at === m.createdAt &&
    row.failure_code === null &&
    row.failure_message === null &&
    row.author_name === m.user.name &&
    (row.files_json !== null || !m.files?.length) &&
    !m.receipts?.length &&
    (row.own === 0 || row.status === 'SENT' || row.status === 'DELIVERED' || row.status === 'READ')
  );
}

/** The row with the message's changing fields, or undefined when nothing is to be written. */
function newState(row: MessageRow, m: Message): MessageRow | undefined {
  // A part older than the one held (a page fetched before a change already applied) is not written.
  const after = withServerState(row, m.changeSeq, serverState(m));
  return stateDiffers(row, after) ? after : undefined;
}
