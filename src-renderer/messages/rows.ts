import type { MessageView } from '../../src-shared/bridge';
import { formatDay } from './time';

/** What the virtual list shows: a day separator, or a message (grouped under the one before it). */
export type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; message: MessageView; grouped: boolean };

/** Consecutive messages by one author within this long read as one block. */
export const GROUP_WINDOW_MS = 5 * 60 * 1000;

function dayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

export function dayLabel(date: Date, now: Date = new Date()): string {
  const today = dayKey(now);
  if (dayKey(date) === today) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
  return formatDay(date, date.getFullYear() !== now.getFullYear());
}

export type RowOptions = {
  /**
   * The first message held is the channel's first. Until then the top of the list gets no
   * separator, since older messages of the same day may still come; this also keeps the top row a
   * message, whose stable key the virtualizer anchors on while an older page is prepended.
   */
  startKnown?: boolean;
  /** A "New" divider goes above this message: the first one that was unread when the channel opened. */
  firstUnreadKey?: string | null;
  now?: Date;
};

export function buildRows(
  messages: readonly MessageView[],
  { startKnown = true, firstUnreadKey = null, now = new Date() }: RowOptions = {},
): Row[] {
  const rows: Row[] = [];
  type Previous = { day: string; author: string; at: number; failed: boolean };
  let previous = null as Previous | null;
  for (const message of messages) {
    const created = new Date(message.createdAt);
    const day = dayKey(created);
    const first = rows.length === 0;
    if (previous?.day !== day && (!first || startKnown)) {
      rows.push({ kind: 'day', key: `day:${day}`, label: dayLabel(created, now) });
      previous = null;
    }
    const unreadStartsHere = message.key === firstUnreadKey;
    if (unreadStartsHere) rows.push({ kind: 'unread', key: 'unread' });
    const at = created.getTime();
    const grouped =
      !unreadStartsHere &&
      previous !== null &&
      previous.author === message.author.id &&
      at - previous.at < GROUP_WINDOW_MS &&
      !previous.failed;
    rows.push({ kind: 'message', key: message.key, message, grouped });
    previous = { day, author: message.author.id, at, failed: message.status === 'Failed' };
  }
  return rows;
}
