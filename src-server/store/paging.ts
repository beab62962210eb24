/**
 * A page of history, the same way in both stores: ask the database for one row more than the page (the
 * extra row says whether there is more), newest first when paging back, then hand the page out oldest
 * first, with receipts on the viewer's own messages. Pure: the stores run the queries.
 */
import { DEFAULT_PAGE_LIMIT, type HistoryQuery, type Message } from '../../src-shared/protocol';
import { groupReceipts, type MessageRow, type ReceiptRow, toMessage } from './rows';

export interface PageRequest {
  /** true: the rows after `bound`, oldest first; false: the rows before it, newest first. */
  newer: boolean;
  bound: number;
  /** How many rows to fetch: the page and one more. */
  fetch: number;
  limit: number;
}

export function pageRequest(query: HistoryQuery): PageRequest {
  const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
  return query.after !== undefined
    ? { newer: true, bound: query.after, fetch: limit + 1, limit }
    : { newer: false, bound: query.before ?? Number.MAX_SAFE_INTEGER, fetch: limit + 1, limit };
}

/** The page's rows, oldest first, from the rows fetched for `request`. */
export function pageRows(
  request: PageRequest,
  fetched: MessageRow[],
): { rows: MessageRow[]; hasMore: boolean } {
  const rows = fetched.slice(0, request.limit);
  if (!request.newer) rows.reverse();
  return { rows, hasMore: fetched.length > request.limit };
}

/** The ids whose receipts the page shows: the viewer's own messages. */
export function ownMessageIds(rows: MessageRow[], viewerId: string): string[] {
  return rows.filter((row) => row.user_id === viewerId).map((row) => row.id);
}

/** The page's messages; the viewer's own carry their receipts (`receiptRows`, of ownMessageIds). */
export function pageMessages(rows: MessageRow[], viewerId: string, receiptRows: ReceiptRow[]): Message[] {
  const receipts = groupReceipts(receiptRows);
  return rows.map((row) =>
    toMessage(row, row.user_id === viewerId ? (receipts.get(row.id) ?? []) : undefined),
  );
}
