import { useRef } from 'react';
import type { MessageView } from '../../src-shared/bridge';
import { useAppStore } from '../store/context';

/**
 * The key of the first message that was unread when this channel opened, for the "New" divider.
 * The count is the one the channel had when it was chosen (the store's `unreadAtOpen`: opening marks
 * the channel read, maybe before its first page is in), and the divider stays where it was put while
 * the user reads on; new arrivals do not move it.
 */
export function useFirstUnreadKey(
  channelId: string,
  messages: readonly MessageView[] | undefined,
  ready: boolean,
): string | null {
  const store = useAppStore();
  const unreadAtOpen = useRef<number | null>(null);
  if (unreadAtOpen.current === null) {
    // The larger of the count when chosen and now: a channel chosen before the list knew its count
    // still gets its divider.
    const { unreadAtOpen: chosen, channels } = store.getState();
    const now = channels.find((c) => c.id === channelId)?.unreadCount ?? 0;
    unreadAtOpen.current = chosen?.channelId === channelId ? Math.max(chosen.count, now) : now;
  }
  const placed = useRef<{ key: string | null } | null>(null);
  if (placed.current === null && ready && messages) {
    placed.current = { key: firstUnread(messages, unreadAtOpen.current) };
  }
  return placed.current?.key ?? null;
}

/** Counting back from the newest, the `unread`-th message from someone else. */
export function firstUnread(messages: readonly MessageView[], unread: number): string | null {
  if (unread <= 0) return null;
  let left = unread;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.own) continue;
    left -= 1;
    if (left === 0) return message.key;
  }
  return null;
}
