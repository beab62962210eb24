import type { VirtualItem } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChannelView, MessageView } from '../../src-shared/bridge';
import { conversationAudience, conversationLabel } from '../channels/conversation-label';
import { useApp, useAppStore } from '../store/context';
import type { ChannelHistory, ThreadHistory } from '../store/types';
import { afterNextPaint } from './after-paint';
import { useAnnouncement } from './announce';
import { MessageRow } from './MessageRow';
import { buildRows } from './rows';
import { useChatScroll } from './use-chat-scroll';
import { useFirstUnreadKey } from './use-first-unread';
import { useRovingRow } from './use-roving-row';

type Props = { channel: Pick<ChannelView, 'id' | 'kind' | 'name'>; overscan?: number };

/** One channel's messages, virtualized: only the rows on screen (and a few around) are mounted. */
export function MessageList({ channel, overscan = 6 }: Props) {
  const channelId = channel.id;
  const channelLabel = conversationLabel(channel);
  const store = useAppStore();
  const history = useApp((s) => s.histories[channelId]);
  const threads = useApp((s) => s.threads);
  const messages = history?.messages;
  const ready = history?.status === 'ready';
  const startKnown = history?.hasMore === false;
  const firstUnreadKey = useFirstUnreadKey(channelId, messages, ready);
  const rows = useMemo(
    () => buildRows(messages ?? [], { startKnown, firstUnreadKey }),
    [messages, startKnown, firstUnreadKey],
  );
  const opening = useOpening(channelId, ready);
  const { virtualizer, scrollRef, atBottom, highlightedId, appendedAtEnd } = useChatScroll({
    channelId,
    rows,
    messages,
    ready,
    overscan,
    opening,
  });
  const announcement = useAnnouncement(messages, ready);
  // While it opens, the rows mounted beyond the screen (the overscan) show their text plain. On
  // screen: within the scroll offset's view, or within a view's height of the end, where the list
  // opens (the offset may still be the estimate's while the first rows are measured).
  const viewHeight = virtualizer.scrollRect?.height || window.innerHeight;
  const viewTop = virtualizer.scrollOffset ?? 0;
  const endViewTop = virtualizer.getTotalSize() - viewHeight;
  const offScreen = (item: { start: number; end: number }) =>
    (item.end <= viewTop || item.start >= viewTop + viewHeight) && item.end <= endViewTop;
  // A row rendered in full stays so: measuring the first rows moves the others, and turning one that
  // moved off screen back into plain text would only render it once more (figure 7). A hint kept
  // across renders, so a render React drops costs nothing but a row rendered in full.
  const renderedFull = useRef(new Set<string>()).current;
  const plainWhileOpening = (key: string, item: { start: number; end: number }) => {
    if (!opening || renderedFull.has(key)) return false;
    if (offScreen(item)) return true;
    renderedFull.add(key);
    return false;
  };
  const items = virtualizer.getVirtualItems();
  const followed = useFollowedRows(appendedAtEnd, items);
  // Read means seen: scrolled up, the newest messages are not (issue 12).
  useEffect(() => {
    store.getState().setAtNewest(atBottom);
  }, [store, atBottom]);
  const { stopKey, onKeyDown, onFocus } = useRovingRow(rows, virtualizer, scrollRef);
  // The message edited in place (Up in an empty composer) is scrolled into view if it is not.
  const editingKey = useApp((s) => (s.editing?.channelId === channelId ? s.editing.key : null));
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per edit started, not per new row
  useEffect(() => {
    const index = editingKey ? rows.findIndex((r) => r.key === editingKey) : -1;
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [editingKey]);
  const lastOwnKey = useMemo(() => messages?.findLast((m) => m.own)?.key, [messages]);

  const openThread = useCallback(
    (message: MessageView) => {
      if (message.id) void store.getState().showThread(channelId, message.id);
    },
    [channelId, store],
  );

  return (
    <div className="message-list-frame">
      <section
        ref={scrollRef}
        className="message-scroll"
        data-testid="message-list"
        aria-label={`Messages in ${channelLabel}`}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
      >
        <div className="message-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="virtual-row"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {row.kind === 'day' ? (
                  <div className="day-separator">
                    <span>{row.label}</span>
                  </div>
                ) : row.kind === 'unread' ? (
                  <div className="unread-divider">
                    <span>New</span>
                  </div>
                ) : (
                  <MessageRow
                    message={row.message}
                    grouped={row.grouped}
                    highlighted={row.message.id !== undefined && row.message.id === highlightedId}
                    onReply={openThread}
                    replyCount={replyCountOf(row.message, threads)}
                    lastOwn={row.message.key === lastOwnKey}
                    tabStop={row.key === stopKey}
                    decorated={!opening && !followed.has(item.key)}
                    plainBody={plainWhileOpening(row.key, item)}
                  />
                )}
              </div>
            );
          })}
        </div>
      </section>
      <ListStatus
        history={history}
        channel={channel}
        retry={() => void store.getState().loadNewest(channelId)}
      />
      {!atBottom && rows.length > 0 && (
        <button type="button" className="jump-to-newest" onClick={() => virtualizer.scrollToEnd()}>
          Jump to newest ↓
        </button>
      )}
      <div className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>
    </div>
  );
}

/**
 * True from a channel's opening until its first frame with rows is on screen (figure 7). Meanwhile
 * the rows leave out what nobody sees at rest (each row's hover toolbar and hover-only status); they
 * add it in one render after that frame, before anyone can point at a row or Tab to it.
 */
function useOpening(channelId: string, ready: boolean): boolean {
  const [openedId, setOpenedId] = useState<string | null>(null);
  const opening = openedId !== channelId;
  useEffect(() => {
    if (!ready || !opening) return;
    return afterNextPaint(() => setOpenedId(channelId));
  }, [channelId, ready, opening]);
  return opening;
}

type Key = VirtualItem['key'];

/** New rows mounted at once, from which they come without toolbars until after their frame. */
const BATCH_ROWS = 4;

/**
 * The rows first mounted by new messages followed at the end, when several (a catch-up batch): they come
 * without their hover toolbar and hover-only status, like a channel's first frame, and get them in
 * one render right after the frame that shows them. A batch of new messages replaces the whole screen,
 * so this takes a screenful of toolbars out of the batch's task (figure 13's longest task) and puts
 * them in a task of their own, before anyone can point at a row that was not there a frame ago.
 */
function useFollowedRows(appended: boolean, items: readonly { key: Key }[]): ReadonlySet<Key> {
  const rendered = useRef(new Set<Key>()).current;
  const followed = useRef(new Set<Key>()).current;
  const [generation, setGeneration] = useState(0);
  if (appended) {
    const fresh = items.filter((item) => !rendered.has(item.key));
    // One new message (a send, a live message) gets its toolbar at once, as always: only a batch
    // that fills the screen with new rows is worth a second render.
    if (fresh.length >= BATCH_ROWS) for (const item of fresh) followed.add(item.key);
  }
  rendered.clear();
  for (const item of items) rendered.add(item.key);
  const waiting = followed.size > 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per generation of followed rows
  useEffect(() => {
    if (!waiting) return;
    return afterNextPaint(() => {
      followed.clear();
      setGeneration((g) => g + 1);
    });
  }, [waiting, generation]);
  return followed;
}

/** The core's count, or more if we already hold more replies live (the count may lag an event). */
function replyCountOf(message: MessageView, threads: Record<string, ThreadHistory | undefined>): number {
  const held = message.id ? (threads[message.id]?.replies.length ?? 0) : 0;
  return Math.max(message.replyCount, held);
}

function ListStatus({
  history,
  retry,
  channel,
}: {
  history: ChannelHistory | undefined;
  retry: () => void;
  channel: Props['channel'];
}) {
  if (!history || history.status === 'loading') return <p className="list-note">Loading messages…</p>;
  if (history.status === 'error') {
    return (
      <p className="list-note">
        Couldn't load messages.{' '}
        <button type="button" className="link-button" onClick={retry}>
          Try again
        </button>
      </p>
    );
  }
  if (history.loadingOlder) return <p className="list-note top">Loading older messages…</p>;
  if (history.messages.length === 0) return <EmptyChannel channel={channel} />;
  return null;
}

/** An empty conversation says where one is, who will read it and what to do, at the bottom where it starts. */
function EmptyChannel({ channel }: { channel: Props['channel'] }) {
  return (
    <div className="empty-channel">
      <p className="empty-channel-title">This is the start of {conversationLabel(channel)}</p>
      <p className="empty-channel-hint">
        No messages yet. Say hello below: {conversationAudience(channel)} will see it.
      </p>
    </div>
  );
}
