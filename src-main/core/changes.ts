/**
 * Changes of messages for one account (issue 14): ours go through the operation queue, shown at once
 * and marked pending until acknowledged; the server's (live broadcasts, the per-channel changes feed)
 * are applied to the messages held here. Edits and reactions never notify.
 */
import { randomUUID } from 'node:crypto';
import { BridgeFailure, type MessageView } from '../../src-shared/bridge';
import {
  type ChangeApplied,
  MAX_PAGE_LIMIT,
  type Message,
  type MessageDeletedEvent,
  type ReactionUpdatedEvent,
  type UserSummary,
} from '../../src-shared/protocol';
import type { ChangeKind, LocalStore, MessageRow, OperationRow } from '../store/store';
import type { Credentials } from './account';
import type { ApiClient } from './api';
import { shownChanges } from './change-overlay';
import { fetchChanges } from './changes-api';
import { pipelinedPages } from './pipelined-pages';
import type { Clock } from './ports';
import { messageView } from './views';

export interface ChangesDeps {
  store: LocalStore;
  /**
   * Resolves on a later turn of the event loop, between two chunks of a changes page (the account's
   * turns.ts, shared with the catch-up's chunks); by default the next turn.
   */
  nextTurn?(): Promise<void>;
  user: UserSummary;
  clock: Clock;
  api: ApiClient;
  emitMessage(row: MessageRow): void;
  /** Something that counts toward unread (a mention, a deletion) may have changed in the channel. */
  unreadChanged(channelId: string): void;
  queueChanged(channelId: string): void;
  error(code: string, message: string): void;
}

/** A changes page is applied this many messages a transaction, one transaction a turn (the catch-up's chunk). */
export const CHANGES_CHUNK = 25;

export class Changes {
  constructor(private readonly deps: ChangesDeps) {}

  // Ours ----------------------------------------------------------------------------------------

  edit(channelId: string, key: string, content: string): MessageView {
    const row = this.target(channelId, key);
    if (row.own !== 1) throw new BridgeFailure('FORBIDDEN', 'Only your own messages can be edited');
    const shown = this.shown(row);
    if (shown.deleted) throw new BridgeFailure('NOT_FOUND', 'The message was deleted');
    if (shown.content === content) return messageView(this.deps.store, row);
    return this.queue(row, 'edit', { content });
  }

  /** Author or admin: the server decides, and a refusal undoes it. */
  remove(channelId: string, key: string): MessageView {
    const row = this.target(channelId, key);
    if (this.shown(row).deleted) return messageView(this.deps.store, row);
    return this.queue(row, 'delete', {});
  }

  react(channelId: string, key: string, emoji: string, add: boolean): MessageView {
    const row = this.target(channelId, key);
    const shown = this.shown(row);
    if (shown.deleted) throw new BridgeFailure('NOT_FOUND', 'The message was deleted');
    const mine = shown.reactions.some((r) => r.emoji === emoji && r.mine);
    if (mine === add) return messageView(this.deps.store, row);
    return this.queue(row, add ? 'react' : 'unreact', { emoji });
  }

  /** The op row and what it shows are one write: the view the caller gets is the committed one. */
  private queue(row: MessageRow, kind: ChangeKind, what: { content?: string; emoji?: string }): MessageView {
    const { store } = this.deps;
    store.transaction(() =>
      store.changes.queue({
        opId: randomUUID(),
        kind,
        channelId: row.channel_id,
        messageKey: row.key,
        queuedAt: this.deps.clock.now(),
        ...what,
      }),
    );
    const after = store.messageByKey(row.key) as MessageRow;
    this.deps.emitMessage(after);
    if (kind === 'delete') this.deps.unreadChanged(row.channel_id);
    this.deps.queueChanged(row.channel_id);
    return messageView(store, after);
  }

  /** The server applied one of our changes: its effect is the message's state now. */
  applied(op: OperationRow, ack: ChangeApplied): void {
    const { store } = this.deps;
    const row = store.transaction(() =>
      store.changes.completed(op, ack.changeSeq, new Date(this.deps.clock.now()).toISOString()),
    );
    if (row) this.deps.emitMessage(row);
  }

  /** Refused for good: already dropped from the queue, so the message shows what the server holds. */
  refused(op: OperationRow, code: string, message: string): void {
    const row = this.deps.store.messageByKey(op.message_key);
    if (row) this.deps.emitMessage(row);
    if (op.kind === 'delete') this.deps.unreadChanged(op.channel_id);
    this.deps.error('CHANGE_REFUSED', `Your ${WHAT[op.kind]} was refused and undone: ${message} (${code})`);
  }

  // The server's --------------------------------------------------------------------------------

  /** A message's new state (`message:updated`, the changes feed): only for messages held here. */
  updated(message: Message): void {
    const row = this.apply(message);
    if (row) this.announce(row);
  }

  /** Stores a message's new state if we hold it; the row when that changed anything. */
  private apply(message: Message): MessageRow | undefined {
    const { store } = this.deps;
    if (!store.messageById(message.id)) return undefined;
    const result = store.upsertServerMessage(message);
    return result.changed ? result.row : undefined;
  }

  private announce(row: MessageRow): void {
    this.deps.emitMessage(row);
    this.deps.unreadChanged(row.channel_id);
  }

  deleted(event: MessageDeletedEvent): void {
    const row = this.deps.store.changes.deleted(event.messageId, event.changeSeq);
    if (!row) return;
    this.deps.emitMessage(row);
    this.deps.unreadChanged(row.channel_id);
  }

  reactions(event: ReactionUpdatedEvent): void {
    const row = this.deps.store.changes.reactions(event.messageId, event.reactions, event.changeSeq);
    if (row) this.deps.emitMessage(row);
  }

  /**
   * Everything changed in the channel since its cursor (after the catch-up of new messages, so every
   * message the feed names that matters is held; others are skipped: a page fetched later is current).
   * A first sync sets the cursor (account.ts); a channel synced by an older version starts from 0.
   *
   * Bench figure 12 (BENCHMARKS.md): a page is applied a chunk at a time (store/change-feed.ts), each
   * chunk in one transaction with its cursor, and the next page is already on its way while one is
   * applied: pages and chunks are still applied one after the other, in changeSeq order, each once.
   */
  async catchUp(channelId: string, credentials: Credentials): Promise<void> {
    const { store } = this.deps;
    const fetchAfter = (after: number) =>
      fetchChanges(this.deps.api, credentials, channelId, after, MAX_PAGE_LIMIT);
    const nextTurn = this.deps.nextTurn ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
    // Not asked for again: what the messages held already are (a catch-up's new messages, each with
    // the channel's next changeSeq; message-changes.ts says why that is safe).
    let after = store.changes.advanceCursor(channelId) ?? 0;
    await pipelinedPages(
      fetchAfter(after),
      (page) => {
        const moved = page.changeSeq > after;
        after = Math.max(after, page.changeSeq);
        return page.hasMore && moved ? fetchAfter(after) : null;
      },
      async (page) => {
        // A chunk a turn, each checked (changes-api.ts) and committed with its cursor, the page's last
        // with the page's: a page of 500 in one turn was a long turn of figure 13's catch-up, as the
        // messages' pages were. A kill -9 between two leaves the cursor at what is stored; a message
        // changed live meanwhile is not set back, and a reaction heard meanwhile does not make the
        // page's older edit look stale: its text and its reactions each keep their own changeSeq
        // (store/message-state.ts, migration 014; issue 16).
        const upTo = after;
        let changedAny = false;
        for (let at = 0; at === 0 || at < page.count; at += CHANGES_CHUNK) {
          // Every chunk, the first too: the previous page's last chunk may have been stored this turn.
          await nextTurn();
          const chunk = page.slice(at, at + CHANGES_CHUNK);
          const last = at + CHANGES_CHUNK >= page.count;
          const changed = store.transaction(() => {
            const rows = store.applyChangePage(chunk);
            // The cursor never moves back (message-changes.ts keeps the larger).
            store.changes.setCursor(channelId, last ? upTo : (chunk.at(-1)?.changeSeq ?? 0));
            return rows;
          });
          // The chunk's UI events go out after its commit, as the acks' do.
          for (const row of changed) this.deps.emitMessage(row);
          changedAny ||= changed.length > 0;
        }
        // The channel's unread count (mentions, deletions) once per page, not once per chunk.
        if (changedAny) this.deps.unreadChanged(channelId);
      },
    );
  }

  private target(channelId: string, key: string): MessageRow {
    const row = this.deps.store.messageByKey(key) ?? this.deps.store.messageById(key);
    if (!row || row.channel_id !== channelId) throw new BridgeFailure('NOT_FOUND', 'Unknown message');
    return row;
  }

  private shown(row: MessageRow) {
    return shownChanges(row, this.deps.store.changes.of(row.key), this.deps.user.id);
  }
}

const WHAT: Record<OperationRow['kind'], string> = {
  send: 'message',
  edit: 'edit',
  delete: 'deletion',
  react: 'reaction',
  unreact: 'removal of a reaction',
  upload: 'file',
};
