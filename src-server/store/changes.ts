/**
 * Messages that change, the same way in both stores: what an edit, a deletion or a reaction does to a
 * stored row (pure, below), and the shapes the stores take and answer with. Each store runs it in one
 * transaction with the replay check, the channel's next changeSeq and the applied-op record.
 */
// Types only: the SQLite writer thread loads this file and needs no zod.
import {
  type ChangeApplied,
  type ChangesPage,
  type ChannelPreferences,
  DEFAULT_PREFERENCES,
  type Message,
  type Reaction,
  type SearchPage,
} from '../../src-shared/protocol';
import { type MessageRow, toMessage } from './rows';

export type MessageChange =
  | { kind: 'edit'; content: string; mentions: string[] }
  | { kind: 'delete' }
  | { kind: 'react'; emoji: string; add: boolean };

export interface ChangeRequest {
  /** Made by the client: applied once per user, whatever the number of copies. */
  opId: string;
  userId: string;
  messageId: string;
  /** May delete another person's message (an admin). */
  moderator: boolean;
  change: MessageChange;
  at: string;
}

export type ChangeRefusal = 'not_found' | 'not_author';

export type ChangeResult =
  /** `changed` is false when the row was already so (a reaction already there): no new changeSeq. */
  | { status: 'applied'; answer: ChangeApplied; message: Message; changed: boolean }
  | { status: 'replayed'; answer: ChangeApplied }
  | { status: 'refused'; reason: ChangeRefusal };

/** The columns a change writes. */
export interface RowUpdate {
  content: string;
  editedAt: string | null;
  deleted: boolean;
  mentions: string;
  reactions: string;
}

export type ChangePlan = { refused: ChangeRefusal } | { update: RowUpdate | undefined };

/** What `request` does to `row`: a refusal, nothing (`update` undefined), or the row's new columns. */
export function planChange(row: MessageRow | undefined, request: ChangeRequest): ChangePlan {
  // A tombstone is gone for edits and reactions; deleting it again changes nothing.
  if (!row) return { refused: 'not_found' };
  const deleted = Boolean(row.deleted);
  const current: RowUpdate = {
    content: row.content,
    editedAt: row.edited_at,
    deleted,
    mentions: row.mentions,
    reactions: row.reactions,
  };
  const { change } = request;
  const own = row.user_id === request.userId;
  switch (change.kind) {
    case 'edit':
      if (deleted) return { refused: 'not_found' };
      if (!own) return { refused: 'not_author' };
      return {
        update: {
          ...current,
          content: change.content,
          editedAt: request.at,
          mentions: JSON.stringify(change.mentions),
        },
      };
    case 'delete':
      if (!own && !request.moderator) return { refused: 'not_author' };
      if (deleted) return { update: undefined };
      return {
        update: { content: '', editedAt: row.edited_at, deleted: true, mentions: '[]', reactions: '[]' },
      };
    case 'react': {
      if (deleted) return { refused: 'not_found' };
      const reactions = react(
        JSON.parse(row.reactions) as Reaction[],
        request.userId,
        change.emoji,
        change.add,
      );
      return {
        update: reactions === undefined ? undefined : { ...current, reactions: JSON.stringify(reactions) },
      };
    }
  }
}

/**
 * The reactions after `userId` added or removed `emoji`; undefined when that changes nothing. Emojis keep
 * the order they were first used in, people the order they reacted in; an emoji nobody holds goes.
 */
export function react(
  reactions: Reaction[],
  userId: string,
  emoji: string,
  add: boolean,
): Reaction[] | undefined {
  const existing = reactions.find((r) => r.emoji === emoji);
  const holds = existing?.userIds.includes(userId) ?? false;
  if (holds === add) return undefined;
  if (add) {
    return existing
      ? reactions.map((r) => (r === existing ? { emoji, userIds: [...r.userIds, userId] } : r))
      : [...reactions, { emoji, userIds: [userId] }];
  }
  return reactions
    .map((r) => (r === existing ? { emoji, userIds: r.userIds.filter((id) => id !== userId) } : r))
    .filter((r) => r.userIds.length > 0);
}

export function appliedAnswer(request: ChangeRequest, channelId: string, changeSeq: number): ChangeApplied {
  return { ok: true, opId: request.opId, messageId: request.messageId, channelId, changeSeq };
}

/** A page of the change feed from `limit + 1` rows: the cursor is the last message's changeSeq, or `after`. */
export function changesPage(fetched: MessageRow[], after: number, limit: number): ChangesPage {
  const rows = fetched.slice(0, limit);
  return {
    messages: rows.map((row) => toMessage(row)),
    changeSeq: rows.at(-1)?.change_seq ?? after,
    hasMore: fetched.length > limit,
  };
}

/** A page of search results from `limit + 1` rows. */
export function searchPage(fetched: MessageRow[], limit: number): SearchPage {
  return { messages: fetched.slice(0, limit).map((row) => toMessage(row)), hasMore: fetched.length > limit };
}

export const MAX_SEARCH_TERMS = 8;

/**
 * The words of a search, at most MAX_SEARCH_TERMS, lower-cased: letters, digits and underscores only,
 * so that a query can never be read as FTS5 or tsquery syntax. Each is matched as a prefix, all of them.
 */
export function searchTerms(query: string): string[] {
  return [...new Set(query.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [])].slice(0, MAX_SEARCH_TERMS);
}

/** An FTS5 MATCH expression for the search; undefined when it has no word (it finds nothing). */
export function ftsMatch(query: string): string | undefined {
  const terms = searchTerms(query);
  return terms.length === 0 ? undefined : terms.map((t) => `"${t}"*`).join(' ');
}

/** A to_tsquery expression for the search; undefined when it has no word. */
export function tsQuery(query: string): string | undefined {
  const terms = searchTerms(query);
  return terms.length === 0 ? undefined : terms.map((t) => `${t}:*`).join(' & ');
}

/** A stored preferences row: muted is 0/1 in SQLite, a boolean in PostgreSQL. */
export interface PreferencesRow {
  notify: ChannelPreferences['notify'];
  muted: number | boolean;
}

/** The stored preferences, or the defaults when none are stored. */
export function toPreferences(row: PreferencesRow | undefined): ChannelPreferences {
  return row
    ? { notify: row.notify, muted: row.muted === true || row.muted === 1 }
    : { ...DEFAULT_PREFERENCES };
}
