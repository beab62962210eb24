import type { MessageView } from '../../src-shared/bridge';

/**
 * A channel's (or a thread's) messages, kept sorted: the server's `seq` order first, then our own
 * messages that have no `seq` yet (Sending / Failed) in the order we wrote them. Every function
 * returns a new array (the store's state is immutable) and never holds a message twice: a message
 * is the same one when its `key` matches or, once the server gave one, its `id` does.
 */
export function compareMessages(a: MessageView, b: MessageView): number {
  if (a.seq !== undefined && b.seq !== undefined) return a.seq - b.seq;
  if (a.seq !== undefined) return -1;
  if (b.seq !== undefined) return 1;
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.key < b.key ? -1 : 1;
}

function sameMessage(a: MessageView, b: MessageView): boolean {
  return a.key === b.key || (a.id !== undefined && a.id === b.id);
}

function indexOf(list: readonly MessageView[], message: MessageView): number {
  // Updates are nearly always about recent messages: search from the end.
  for (let i = list.length - 1; i >= 0; i--) {
    if (sameMessage(list[i]!, message)) return i;
  }
  return -1;
}

/** Where `message` belongs in the sorted `list` (binary search, after equal elements). */
function insertionPoint(list: readonly MessageView[], message: MessageView): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareMessages(list[mid]!, message) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function upsertMessage(list: readonly MessageView[], message: MessageView): MessageView[] {
  const at = indexOf(list, message);
  if (at >= 0) {
    const previous = list[at]!;
    if (previous.seq === message.seq && previous.createdAt === message.createdAt) {
      const next = list.slice();
      next[at] = message;
      return next;
    }
    const without = list.slice(0, at).concat(list.slice(at + 1));
    return insertAt(without, message);
  }
  return insertAt(list, message);
}

/**
 * Several upserts at once (a `messagesUpserted` batch): the same list as upserting each in turn, with
 * one sort instead of one copy of the list per message. A message twice in the batch: its last copy.
 */
export function upsertMessages(
  list: readonly MessageView[],
  messages: readonly MessageView[],
): MessageView[] {
  // The batch folded on its own first (it is small), so one message in it twice, by key or by id, is
  // one; a held message goes if any copy in the batch names it (an own message's first copy has its
  // client key, a later one its server id).
  const batch = messages.reduce<MessageView[]>((acc, m) => upsertMessage(acc, m), []);
  const named = new Set(messages.flatMap(identities));
  const kept = list.filter((m) => !identities(m).some((k) => named.has(k)));
  return [...kept, ...batch].sort(compareMessages);
}

function identities(m: MessageView): string[] {
  return m.id === undefined ? [m.key] : [m.key, m.id];
}

function insertAt(list: readonly MessageView[], message: MessageView): MessageView[] {
  const at = insertionPoint(list, message);
  const next = list.slice(0, at);
  next.push(message);
  for (let i = at; i < list.length; i++) next.push(list[i]!);
  return next;
}

export function removeMessage(list: readonly MessageView[], key: string): MessageView[] {
  const at = list.findIndex((m) => m.key === key);
  return at < 0 ? (list as MessageView[]) : list.slice(0, at).concat(list.slice(at + 1));
}

/**
 * Merges a page into a list. `prefer` says whose copy wins when both hold a message: a page fetched
 * after a reconnect is fresher than ours ('page'); a page whose request raced live updates is older
 * than the updates that arrived meanwhile ('existing').
 */
export function mergeMessages(
  list: readonly MessageView[],
  page: readonly MessageView[],
  prefer: 'page' | 'existing',
): MessageView[] {
  if (page.length === 0) return list as MessageView[];
  const held = new Set((prefer === 'page' ? page : list).flatMap(identities));
  const kept = prefer === 'page' ? list.filter((m) => !identities(m).some((k) => held.has(k))) : list;
  const added = prefer === 'page' ? page : page.filter((m) => !identities(m).some((k) => held.has(k)));
  // One sort of the union rather than one insertion per message: pages can hold 500 messages.
  return [...kept, ...added].sort(compareMessages);
}

/** The smallest `seq` held, the `before` cursor of the next older page. */
export function oldestSeq(list: readonly MessageView[]): number | undefined {
  for (const message of list) if (message.seq !== undefined) return message.seq;
  return undefined;
}

export function newestSeq(list: readonly MessageView[]): number | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const seq = list[i]!.seq;
    if (seq !== undefined) return seq;
  }
  return undefined;
}
