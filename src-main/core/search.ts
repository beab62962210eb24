/**
 * searchMessages (issue 14): the cached messages at once (FTS5, works offline), merged with the server's
 * results for older history when connected. Results are plain text with the matched words as ranges, so
 * the renderer highlights them without any HTML from here.
 */
import type { SearchResult, SearchResults } from '../../src-shared/bridge';
import type { Message } from '../../src-shared/protocol';
import type { LocalStore, MessageRow } from '../store/store';
import type { Credentials } from './account';
import type { ApiClient } from './api';
import { searchServer } from './changes-api';
import type { Logger } from './ports';

const DEFAULT_LIMIT = 20;
const MAX_REMEMBERED = 500;
const SNIPPET_WIDTH = 160;
/** How much text before the first match a snippet keeps. */
const LEAD = 40;

export interface SearchDeps {
  store: LocalStore;
  api: ApiClient;
  logger: Logger;
  /** Set when connected. */
  credentials: Credentials | null;
  /** Where the server's results are remembered, so opening one can fetch its page. */
  foundOnServer: Map<string, { seq: number }>;
}

export async function searchMessages(
  deps: SearchDeps,
  args: { query: string; channelId?: string; limit?: number },
): Promise<SearchResults> {
  const limit = args.limit ?? DEFAULT_LIMIT;
  const { store } = deps;
  const channelName = (id: string) => store.channel(id)?.name ?? '';
  const results = store
    .search(args.query, { channelId: args.channelId, limit })
    .map((row) => fromRow(row, args.query, channelName));
  let offline = deps.credentials === null;
  if (deps.credentials) {
    try {
      const page = await searchServer(deps.api, deps.credentials, {
        q: args.query,
        channelId: args.channelId,
        limit,
      });
      const held = new Set(results.map((r) => r.messageId));
      for (const m of page.messages) {
        if (held.has(m.id) || m.deleted) continue;
        results.push(fromServer(m, args.query, channelName));
        deps.foundOnServer.set(m.id, { seq: m.seq });
      }
      // Only the last searches' results are remembered.
      for (const id of deps.foundOnServer.keys()) {
        if (deps.foundOnServer.size <= MAX_REMEMBERED) break;
        deps.foundOnServer.delete(id);
      }
    } catch (error) {
      deps.logger.info({ err: String(error) }, 'server search failed; local results only');
      offline = true;
    }
  }
  results.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { results: results.slice(0, limit), offline };
}

function fromRow(row: MessageRow, query: string, channelName: (id: string) => string): SearchResult {
  return {
    key: row.key,
    messageId: row.id ?? undefined,
    channelId: row.channel_id,
    channelName: channelName(row.channel_id),
    parentId: row.parent_id ?? undefined,
    author: { id: row.author_id, name: row.author_name },
    createdAt: row.created_at,
    ...snippet(row.content, query),
  };
}

function fromServer(m: Message, query: string, channelName: (id: string) => string): SearchResult {
  return {
    key: m.id,
    messageId: m.id,
    channelId: m.channelId,
    channelName: channelName(m.channelId),
    parentId: m.parentId,
    author: m.user,
    createdAt: m.createdAt,
    ...snippet(m.content, query),
  };
}

/** Compared without case or accents, as the index does (unicode61, remove_diacritics). */
const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** The text around the first match, and every word in it that starts with a word of the query. */
export function snippet(
  content: string,
  query: string,
): { snippet: string; matches: SearchResult['matches'] } {
  const terms = (query.match(/[\p{L}\p{N}_]+/gu) ?? []).map(fold);
  const found: { start: number; end: number }[] = [];
  for (const word of content.matchAll(/[\p{L}\p{N}_]+/gu)) {
    const folded = fold(word[0]);
    if (terms.some((t) => folded.startsWith(t)))
      found.push({ start: word.index, end: word.index + word[0].length });
  }
  const flat = content.replace(/\s/g, ' ');
  const start = Math.max(0, (found[0]?.start ?? 0) - LEAD);
  const end = Math.min(flat.length, start + SNIPPET_WIDTH);
  const lead = start > 0 ? '…' : '';
  const text = `${lead}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
  const shift = lead.length - start;
  const matches = found
    .filter((m) => m.start >= start && m.end <= end)
    .map((m) => ({ start: m.start + shift, end: m.end + shift }));
  return { snippet: text, matches };
}
