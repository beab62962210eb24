/** Builds the bridge's view types from local store rows. */

import type { ChannelView, MessageView, OutboxItem, SeenBy, UiStatus } from '../../src-shared/bridge';
import { MessageDeliveryStatus } from '../../src-shared/protocol';
import {
  type ChannelRow,
  type LocalStatus,
  type LocalStore,
  type MessageRow,
  members,
  type OperationRow,
  type QueuedFile,
} from '../store/store';
import { shownChanges } from './change-overlay';

const UI_STATUS: Record<LocalStatus, UiStatus> = {
  SENDING: 'Sending',
  SENT: 'Sent',
  DELIVERED: 'Delivered',
  READ: 'Read',
  FAILED: 'Failed',
};

/**
 * `fresh.queued`: the row was just queued by this send, with these files. Nothing can be queued against
 * its new key yet and its uploads are these files, so the view reads nothing more (bench figure 6: the
 * two reads were a tenth of an enqueue).
 */
export function messageView(
  store: LocalStore,
  row: MessageRow,
  fresh?: { queued: readonly QueuedFile[] },
): MessageView {
  const own = row.own === 1;
  const seen = own && row.id ? seenBy(store, row) : { list: [], others: 0 };
  const shown = shownChanges(row, fresh ? [] : store.changes.of(row.key), store.selfId);
  const mentions = JSON.parse(row.mentions_json) as string[];
  return {
    key: row.key,
    id: row.id ?? undefined,
    clientMessageId: row.client_message_id ?? undefined,
    channelId: row.channel_id,
    parentId: row.parent_id ?? undefined,
    author: { id: row.author_id, name: row.author_name },
    content: shown.content,
    createdAt: row.created_at,
    seq: row.seq ?? undefined,
    own,
    status: own && row.status ? shownStatus(UI_STATUS[row.status], seen.list, seen.others) : undefined,
    failure: row.failure_code ? { code: row.failure_code, message: row.failure_message ?? '' } : undefined,
    seenBy: seen.list,
    replyCount: row.id ? store.replyCount(row.id) : 0,
    files: row.files_json ? (JSON.parse(row.files_json) as MessageView['files']) : undefined,
    uploads:
      own && row.id === null
        ? fresh
          ? queuedUploads(fresh.queued)
          : pendingUploads(store, row.key)
        : undefined,
    editedAt: shown.editedAt,
    deleted: shown.deleted,
    reactions: shown.reactions,
    mentions,
    mentionsMe: !own && mentions.includes(store.selfId),
    pendingChange: shown.pendingChange,
    changeFailure: shown.changeFailure,
  };
}

/** The files a send just queued, as `pendingUploads` would read them back (absent when none). */
function queuedUploads(files: readonly QueuedFile[]): MessageView['uploads'] {
  if (files.length === 0) return undefined;
  return files.map((f) => ({ opId: f.key, name: f.name, size: f.size, mime: f.mime }));
}

/** An unsent message's files still to upload (absent when none). */
function pendingUploads(store: LocalStore, key: string): MessageView['uploads'] {
  const rows = store.uploads.of(key);
  if (rows.length === 0) return undefined;
  return rows.map((r) => ({ opId: r.op_id, name: r.file_name, size: r.file_size, mime: r.file_mime }));
}

/**
 * In a channel of several people an own message is Read only once every other member has read it,
 * Delivered once any has it (issue 12; interface.md). `others`: the members besides the author.
 */
export function shownStatus(stored: UiStatus, seen: SeenBy[], others: number): UiStatus {
  if (stored !== 'Delivered' && stored !== 'Read') return stored;
  const read = seen.filter((s) => s.status === MessageDeliveryStatus.READ).length;
  if (others > 0 && read >= others) return 'Read';
  return seen.length > 0 ? 'Delivered' : stored;
}

function seenBy(store: LocalStore, row: MessageRow): { list: SeenBy[]; others: number } {
  if (!row.id) return { list: [], others: 0 };
  const receipts = store.receiptsFor(row.id).filter((r) => r.status !== 'SENT');
  // Most views have no receipts yet (a send just acked): no need to read the members then.
  if (receipts.length === 0) return { list: [], others: 0 };
  const channel = store.channel(row.channel_id);
  const people = channel ? members(channel) : [];
  const names = new Map(people.map((m) => [m.id, m.name]));
  const list = receipts.map((r) => ({
    userId: r.user_id,
    name: names.get(r.user_id) ?? 'Unknown',
    status: MessageDeliveryStatus[r.status],
    at: r.at,
  }));
  // Members who left still count once they read it; without a member list, those who answered.
  const others = channel ? people.filter((m) => m.id !== row.author_id).length : list.length;
  return { list, others };
}

export function channelView(store: LocalStore, row: ChannelRow, selfId: string): ChannelView {
  return {
    id: row.id,
    name: channelTitle(row, selfId),
    members: members(row),
    unreadCount: store.unreadCount(row.id),
    mentionCount: store.unreadMentions(row.id),
    muted: row.muted === 1,
    notify: row.notify,
    lastSeq: row.last_seq,
    kind: row.kind,
    private: row.private === 1,
    topic: row.topic,
    archived: row.archived === 1,
    createdBy: row.created_by ?? undefined,
  };
}

/**
 * What a channel is called here: its name, or for a direct message the other people's names (the
 * server's name of a DM is a digest nobody should read); a DM with oneself alone says so.
 */
export function channelTitle(
  row: Pick<ChannelRow, 'name' | 'kind' | 'members_json'>,
  selfId: string,
): string {
  if (row.kind !== 'dm') return row.name;
  const others = members(row as ChannelRow).filter((m) => m.id !== selfId);
  return others.length > 0 ? others.map((m) => m.name).join(', ') : 'Only you';
}

export function outboxItem(store: LocalStore, row: OperationRow, selfId: string): OutboxItem {
  const message = store.messageByKey(row.message_key);
  const channel = store.channel(row.channel_id);
  return {
    clientMessageId: row.message_key,
    kind: row.kind,
    opId: row.op_id,
    channelId: row.channel_id,
    channelName: channel ? channelTitle(channel, selfId) : '',
    channelKind: channel?.kind,
    content: row.content ?? row.emoji ?? row.file_name ?? message?.content ?? '',
    status: row.state === 'failed' ? 'Failed' : 'Sending',
    attempts: row.attempts,
    failure: row.failure_code ? { code: row.failure_code, message: row.failure_message ?? '' } : undefined,
    createdAt: message?.created_at ?? new Date(row.queued_at).toISOString(),
  };
}
