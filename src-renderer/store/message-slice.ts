import type { MessageView } from '../../src-shared/bridge';
import {
  mergeMessages,
  newestSeq,
  oldestSeq,
  removeMessage,
  upsertMessage,
  upsertMessages,
} from './message-list';
import { sameSession } from './session-slice';
import type { AppState, ChannelHistory, MessageSlice, SliceContext } from './types';

export const PAGE_SIZE = 50;
/** How far back a notification click may page to find its message before giving up. */
const MAX_PAGES_TO_FIND = 10;

const emptyHistory: ChannelHistory = { messages: [], hasMore: true, status: 'loading', loadingOlder: false };

export function createMessageSlice({ set, get, relay, showRefusal }: SliceContext): MessageSlice {
  let highlightNonce = 0;

  function patchHistory(channelId: string, patch: (h: ChannelHistory) => Partial<ChannelHistory>): void {
    set((state) => {
      const current = state.histories[channelId] ?? emptyHistory;
      return { histories: { ...state.histories, [channelId]: { ...current, ...patch(current) } } };
    });
  }

  function highlight(channelId: string, messageId: string, inThread: boolean): void {
    highlightNonce += 1;
    set({ highlight: { channelId, messageId, inThread, nonce: highlightNonce } });
  }

  function holds(channelId: string, messageId: string): boolean {
    return get().histories[channelId]?.messages.some((m) => m.id === messageId) ?? false;
  }

  return {
    histories: {},
    typists: {},

    async loadNewest(channelId, prefer = 'existing') {
      const held = get().histories[channelId];
      if (!held || held.status === 'error') patchHistory(channelId, () => ({ status: 'loading' }));
      const current = sameSession(get);
      const result = await relay.listMessages({ channelId, limit: PAGE_SIZE });
      if (!current()) return;
      if (!result.ok) {
        patchHistory(channelId, () => ({ status: 'error' }));
        return get().showError(result.error);
      }
      const page = result.value.messages.filter((m) => m.parentId === undefined);
      patchHistory(channelId, (h) => {
        // A gap between what we hold and the newest page (a long time offline): start afresh
        // from the newest page rather than show a history with a hole in it.
        const ours = newestSeq(h.messages);
        const theirs = oldestSeq(page);
        if (ours !== undefined && theirs !== undefined && theirs > ours + 1 && result.value.hasMore) {
          const pending = h.messages.filter((m) => m.seq === undefined);
          return { messages: mergeMessages(page, pending, 'existing'), hasMore: true, status: 'ready' };
        }
        const hasMore = h.status === 'ready' && h.messages.length > 0 ? h.hasMore : result.value.hasMore;
        return { messages: mergeMessages(h.messages, page, prefer), hasMore, status: 'ready' };
      });
      // What was just fetched is on screen now.
      if (channelId === get().activeChannelId) get().markReadIfLooking(true);
    },

    async loadOlder(channelId) {
      const history = get().histories[channelId];
      if (history?.status !== 'ready' || history.loadingOlder || !history.hasMore) return;
      const before = oldestSeq(history.messages);
      if (before === undefined) return patchHistory(channelId, () => ({ hasMore: false }));
      patchHistory(channelId, () => ({ loadingOlder: true }));
      const current = sameSession(get);
      const result = await relay.listMessages({ channelId, before, limit: PAGE_SIZE });
      if (!current()) return;
      if (!result.ok) {
        patchHistory(channelId, () => ({ loadingOlder: false }));
        return get().showError(result.error);
      }
      const page = result.value.messages.filter((m) => m.parentId === undefined);
      patchHistory(channelId, (h) => ({
        messages: mergeMessages(h.messages, page, 'existing'),
        hasMore: result.value.hasMore,
        loadingOlder: false,
      }));
    },

    async sendMessage(channelId, content, parentId, attachmentIds) {
      const result = await relay.sendMessage({
        channelId,
        content,
        ...(parentId ? { parentId } : {}),
        ...(attachmentIds?.length ? { attachmentIds } : {}),
      });
      // The message itself arrives once, as messageUpserted (the core emits it before answering).
      return result;
    },

    async retryMessage(clientMessageId) {
      showRefusal(await relay.retryMessage({ clientMessageId }));
    },

    async discardMessage(clientMessageId) {
      showRefusal(await relay.discardMessage({ clientMessageId }));
    },

    async navigateTo(channelId, messageId) {
      await get().selectChannel(channelId);
      if (!messageId) return;
      if (!holds(channelId, messageId)) {
        // A reply lives in its thread, not in the channel: ask for the page around it first.
        const current = sameSession(get);
        const around = await relay.listMessages({ channelId, around: messageId, limit: 1 });
        if (!current()) return;
        const found = around.ok ? around.value.messages.find((m) => m.id === messageId) : undefined;
        if (found?.parentId) {
          await get().showThread(channelId, found.parentId);
          return highlight(channelId, messageId, true);
        }
        for (let page = 0; page < MAX_PAGES_TO_FIND && !holds(channelId, messageId); page++) {
          const before = get().histories[channelId];
          if (!before?.hasMore) break;
          await get().loadOlder(channelId);
          if (get().histories[channelId]?.messages.length === before.messages.length) break;
        }
      }
      if (holds(channelId, messageId)) highlight(channelId, messageId, false);
    },

    onMessage(message: MessageView) {
      if (message.parentId !== undefined) {
        const thread = get().threads[message.parentId];
        if (thread) {
          set((state) => ({
            threads: {
              ...state.threads,
              [message.parentId!]: { ...thread, replies: upsertMessage(thread.replies, message) },
            },
          }));
        }
        return;
      }
      // Channels never opened load their history when opened; only extend what is held.
      if (!get().histories[message.channelId]) return;
      patchHistory(message.channelId, (h) => ({ messages: upsertMessage(h.messages, message) }));
      if (message.channelId === get().activeChannelId) get().markReadIfLooking();
    },

    onMessages(messages: MessageView[]) {
      // Grouped by the list each joins (an open thread's replies, a held channel's history), then one
      // store update for all: a catch-up page is one render, not one per message.
      const replies = groupBy(messages, (m) => m.parentId);
      const inChannels = groupBy(
        messages.filter((m) => m.parentId === undefined),
        (m) => m.channelId,
      );
      // Only what is held changes, and nothing is set when nothing held does: a catch-up is mostly
      // channels not on screen, and a new `threads` or `histories` object renders the message list again.
      const state = get();
      let threads: AppState['threads'] | undefined;
      for (const [parentId, batch] of replies) {
        const thread = parentId === undefined ? undefined : state.threads[parentId];
        if (!thread || parentId === undefined) continue;
        threads ??= { ...state.threads };
        threads[parentId] = { ...thread, replies: upsertMessages(thread.replies, batch) };
      }
      // Channels never opened load their history when opened; only extend what is held.
      let histories: AppState['histories'] | undefined;
      for (const [channelId, batch] of inChannels) {
        const history = state.histories[channelId];
        if (!history) continue;
        histories ??= { ...state.histories };
        histories[channelId] = { ...history, messages: upsertMessages(history.messages, batch) };
      }
      if (threads && histories) set({ threads, histories });
      else if (threads) set({ threads });
      else if (histories) set({ histories });
      const active = get().activeChannelId;
      if (active && inChannels.has(active) && get().histories[active]) get().markReadIfLooking();
    },

    onMessageRemoved(channelId, key) {
      set((state) => {
        const threads = { ...state.threads };
        for (const [parentId, thread] of Object.entries(threads)) {
          threads[parentId] = { ...thread, replies: removeMessage(thread.replies, key) };
        }
        const history = state.histories[channelId];
        if (!history) return { threads };
        return {
          threads,
          histories: {
            ...state.histories,
            [channelId]: { ...history, messages: removeMessage(history.messages, key) },
          },
        };
      });
    },

    onTyping(channelId, typists) {
      const me = get().session?.user?.id;
      set((state) => ({ typists: { ...state.typists, [channelId]: typists.filter((t) => t.id !== me) } }));
    },
  };
}

/** The items with a key, grouped by it (first seen first, each group in order). */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
