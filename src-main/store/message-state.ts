/**
 * A message's changing fields as the server said them, in two parts that each keep the changeSeq of the
 * state held (migration 014, issue 16): the text (with its edit time, deletion and mentions) and the
 * reactions. A state is written part by part, each only if it is not older than the one held: a
 * reaction (heard live, or the ack of ours) never makes an older edit look stale, nor an edit an older
 * reaction state. Every path that writes what the server said goes through `withServerState`: the
 * changes feed's pages (change-feed.ts), the one-message path (store.ts) and the events and acks
 * (message-changes.ts).
 */
import type { MessageRow } from './rows';

/** The text's part of a message row. */
export interface ContentState {
  content: string;
  edited_at: string | null;
  deleted: number;
  mentions_json: string;
}

/** What a server state (a message, an event, an ack) says: either part, or both. */
export interface ServerState {
  content?: ContentState;
  reactions_json?: string;
}

/** The changeSeq of the text held (NULL: the row's one sequence, as before migration 014). */
export const contentSeq = (row: MessageRow): number => row.content_seq ?? row.change_seq;
/** The changeSeq of the reactions held. */
export const reactionsSeq = (row: MessageRow): number => row.reactions_seq ?? row.change_seq;

/** The row with each part of `state` (at `changeSeq`) that is not older than the part held. */
export function withServerState(row: MessageRow, changeSeq: number, state: ServerState): MessageRow {
  const content = state.content !== undefined && changeSeq >= contentSeq(row) ? state.content : undefined;
  const reactions =
    state.reactions_json !== undefined && changeSeq >= reactionsSeq(row) ? state.reactions_json : undefined;
  return {
    ...row,
    ...content,
    reactions_json: reactions ?? row.reactions_json,
    content_seq: content ? changeSeq : contentSeq(row),
    reactions_seq: reactions !== undefined ? changeSeq : reactionsSeq(row),
    change_seq: content || reactions !== undefined ? Math.max(row.change_seq, changeSeq) : row.change_seq,
  };
}

/** Anything the UI shows of the server's state differs. */
export function shownDiffers(a: MessageRow, b: MessageRow): boolean {
  return (
    a.content !== b.content ||
    a.edited_at !== b.edited_at ||
    a.deleted !== b.deleted ||
    a.mentions_json !== b.mentions_json ||
    a.reactions_json !== b.reactions_json
  );
}

/** Something is to be written: a shown field, or a part's changeSeq. */
export function stateDiffers(a: MessageRow, b: MessageRow): boolean {
  return (
    shownDiffers(a, b) ||
    a.change_seq !== b.change_seq ||
    contentSeq(a) !== contentSeq(b) ||
    reactionsSeq(a) !== reactionsSeq(b)
  );
}

/** The SET clause of a message's changing fields but its text, bound in order by `stateParams`. */
export const SET_STATE = `edited_at = ?, deleted = ?, mentions_json = ?, reactions_json = ?, change_seq = ?,
  content_seq = ?, reactions_seq = ?`;

export function stateParams(row: MessageRow): unknown[] {
  return [
    row.edited_at,
    row.deleted,
    row.mentions_json,
    row.reactions_json,
    row.change_seq,
    contentSeq(row),
    reactionsSeq(row),
  ];
}
