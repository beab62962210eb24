/**
 * The SQLite store's reads for messages that change (the change feed, search, applied ops) and its one
 * rare write, preferences, on the main thread's connection (see sqlite-store.ts).
 */
import type Database from 'better-sqlite3';
import type {
  ChangeApplied,
  ChangesPage,
  ChannelPreferences,
  SearchPage,
  SearchQuery,
} from '../../../src-shared/protocol';
import { changesPage, ftsMatch, type PreferencesRow, searchPage, toPreferences } from '../changes';
import type { MessageRow } from '../rows';
import { prepare } from './sqlite-database';

export class SqliteChangeReads {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = prepare(db, [
      'appliedOp',
      'changesAfter',
      'preferences',
      'setPreferences',
      'search',
      'receiptsOf',
    ]);
  }

  appliedOp(userId: string, opId: string): ChangeApplied | undefined {
    const row = this.sql.appliedOp.get(userId, opId) as { answer: string } | undefined;
    return row && (JSON.parse(row.answer) as ChangeApplied);
  }

  listChanges(channelId: string, after: number, limit: number): ChangesPage {
    const fetched = this.sql.changesAfter.all(channelId, after, limit + 1) as MessageRow[];
    return changesPage(fetched, after, limit);
  }

  getPreferences(channelId: string, userId: string): ChannelPreferences {
    return toPreferences(this.sql.preferences.get(channelId, userId) as PreferencesRow | undefined);
  }

  setPreferences(channelId: string, userId: string, preferences: ChannelPreferences): void {
    this.sql.setPreferences.run(channelId, userId, preferences.notify, preferences.muted ? 1 : 0);
  }

  searchMessages(userId: string, query: SearchQuery): SearchPage {
    const match = ftsMatch(query.q);
    if (match === undefined) return { messages: [], hasMore: false };
    const channelId = query.channelId ?? null;
    const fetched = this.sql.search.all(match, userId, channelId, channelId, query.limit + 1) as MessageRow[];
    return searchPage(fetched, query.limit);
  }
}
