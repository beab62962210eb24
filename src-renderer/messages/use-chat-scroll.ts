import { defaultRangeExtractor, type Range, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { MessageView } from '../../src-shared/bridge';
import { useApp, useAppStore } from '../store/context';
import { afterNextPaint } from './after-paint';
import type { Row } from './rows';

/** Within this many pixels of the end counts as "at the bottom" (stick there as messages arrive). */
const BOTTOM_THRESHOLD_PX = 48;
/** Start fetching the previous page while this many rows are still above the viewport. */
const LOAD_OLDER_WITHIN_ROWS = 10;
const HIGHLIGHT_MS = 2_500;

/**
 * A row's height before it is measured, from app.css (1rem = 15px, line-height 1.45, so a line is
 * 21.75 px): a message is its padding (0.35 + 0.2rem), its header line and one line per line of text
 * (a line break, or about every 90 characters, where the 72ch column wraps); grouped, no header and
 * 0.05rem on top; a day separator 0.5rem above and below a 0.8rem line; the "New" divider 0.25rem and
 * a 0.75rem line. The closer this is, the less measuring moves: a typical chat row measures what it
 * was estimated, so the first frame's rows stay where they were rendered instead of being moved by
 * one more render and layout each (figure 7).
 */
const LINE_PX = 21.75;
const WRAP_CHARS = 90;
export function estimateSize(row: Row | undefined): number {
  if (row?.kind === 'day') return 32;
  if (row?.kind === 'unread') return 24;
  if (row?.kind !== 'message') return 52;
  // Lines of text, counted without allocating (every row of a long channel is estimated).
  const text = row.message.content;
  let lines = 0;
  for (let from = 0; from <= text.length && lines < 40; ) {
    const end = text.indexOf('\n', from);
    const stop = end < 0 ? text.length : end;
    lines += Math.max(1, Math.ceil((stop - from) / WRAP_CHARS));
    from = stop + 1;
  }
  const body = Math.max(1, lines) * LINE_PX;
  return Math.round(row.grouped ? 3.75 + body : 8.25 + LINE_PX + body);
}

/** The scroll area is not laid out yet on the first render: the window's height is an upper bound. */
function viewportGuess(): number {
  return typeof window === 'undefined' ? 800 : window.innerHeight;
}

function estimatedHeight(rows: Row[]): number {
  let sum = 0;
  for (const row of rows) sum += estimateSize(row);
  return sum;
}

type Options = {
  channelId: string;
  rows: Row[];
  messages: readonly MessageView[] | undefined;
  ready: boolean;
  overscan: number;
  /** Until the channel's first frame with rows is painted (MessageList's `useOpening`). */
  opening: boolean;
};

/**
 * How a chat list scrolls: virtualized rows, opened at the newest message, stuck to the bottom while
 * the user is there, still while older pages are prepended above, and moved to a message on request.
 */
export function useChatScroll({ channelId, rows, messages, ready, overscan, opening }: Options) {
  const store = useAppStore();
  const highlight = useApp((s) => s.highlight);
  const scrollRef = useRef<HTMLElement>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [highlightedId, setHighlightedId] = useState<string | null>(null);
  /** The list has been at its newest end once: from now on, reaching the top means "show older". */
  const [positioned, setPositioned] = useState(false);

  // Not before the first page is in: the first frame with rows then starts at the newest end (see
  // initialOffset), instead of mounting the oldest rows of the page (and rendering their Markdown)
  // only to scroll them away a frame later (figure 7).
  const hasRows = ready && rows.length > 0;
  // New rows at the end while the view is there: the virtualizer follows them (`followOnAppend`), but
  // only after this render, from a scroll event. Rendered at the old offset, the rows below the old
  // view (its overscan) would be mounted for nothing, and the newest screenful would wait for a second
  // render in the frame's scroll task: two commits, each with its rows' style and layout forced by
  // their measurement (tail13, figure 13). So this render mounts the end's view already (and keeps
  // the rows on screen now, so nothing goes blank if the follow does not come); the scroll then moves
  // to rows that are mounted and measured, and its render mounts only the overscan above them.
  const lastRowKey = rows[rows.length - 1]?.key;
  const heldEnd = useRef<{ lastKey: string | undefined; count: number }>({
    lastKey: lastRowKey,
    count: rows.length,
  });
  const appendedAtEnd =
    atBottom &&
    hasRows &&
    heldEnd.current.count > 0 &&
    lastRowKey !== heldEnd.current.lastKey &&
    rows.length > heldEnd.current.count;
  const instance = useRef<Virtualizer<HTMLElement, Element> | null>(null);
  /** The open's scroll to the newest rows was asked for (below, in the first commit with rows). */
  const openedAtEnd = useRef(false);
  // From an append's render until its follow lands; only then (a channel's open and "jump to newest"
  // scroll to the end as before).
  const following = useRef(false);
  if (appendedAtEnd) following.current = true;
  // The rows the append's render mounted (those on screen then and the end's view) stay mounted, as
  // they are, until the frame that shows the follow's landing is painted: later renders (a
  // measurement's, the follow's own from its scroll event) add only rows that come on screen and were
  // not mounted. The follow's render runs inside that frame, and was its longest part: it mounted the
  // overscan above the new view and unmounted the rows scrolled past, with the forced layout that
  // comes with them (tail19, figure 13). Both are off screen: one render after the frame does them.
  const kept = useRef<{ indexes: number[]; count: number } | null>(null);
  const [settled, setSettled] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `settled` is what makes the list take its usual range again
  const rangeExtractor = useCallback(
    (range: Range) => {
      const list = instance.current;
      if (!list || !following.current) return defaultRangeExtractor(range);
      if (appendedAtEnd || kept.current?.count !== range.count) {
        // A follow not settled yet (a batch came before the frame after the last one): the overscan
        // above the view is not mounted, and is not worth mounting in this task only to scroll past.
        const indexes = withEndRows(kept.current ? { ...range, overscan: 0 } : range, list);
        kept.current = { indexes, count: range.count };
        return indexes;
      }
      return withVisibleRows(kept.current.indexes, range);
    },
    [appendedAtEnd, settled],
  );
  // After the frame that follows an append, in a task of its own: the follow landed (its offset is
  // the end's, even if the virtualizer still checks it) or never started, so the list takes its usual
  // range; still on its way, one frame more. (Waiting for the virtualizer's own check to end too
  // would, on a loaded machine, let the next batch come first and mount this overscan in its task.)
  const settling = useRef<(() => void) | null>(null);
  useLayoutEffect(() => {
    if (!appendedAtEnd || settling.current) return;
    const check = () => {
      const list = instance.current;
      if (list && goingToEnd(list) && !virtuallyAtEnd(list)) {
        settling.current = afterNextPaint(check, 'task');
        return;
      }
      settling.current = null;
      following.current = false;
      kept.current = null;
      // In this task, not in one React schedules later: a batch due now would find the overscan
      // missing and mount it in its own task.
      flushSync(() => setSettled((n) => n + 1));
    };
    settling.current = afterNextPaint(check, 'task');
  }, [appendedAtEnd]);
  useEffect(() => () => settling.current?.(), []);
  const virtualizer = useVirtualizer({
    enabled: hasRows,
    count: rows.length,
    // Until the list is laid out, guess its height (the window's) and start at the estimated end.
    initialRect: { width: 0, height: viewportGuess() },
    initialOffset: () => Math.max(0, estimatedHeight(rows) - viewportGuess()),
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => estimateSize(rows[index]),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan,
    rangeExtractor,
    // The open's scroll to the end (written in the first commit) comes back as a scroll event in the
    // first frame, before its paint; the virtualizer re-rendered the list there at once (flushSync),
    // and our onChange's state then asked for another render after it. The rows that frame shows are
    // mounted already (the first render covers a window's height at the end, more than the list's),
    // so while opening that render waits for a task of React's after the paint, as one render with
    // onChange's state, and the first frame is one layout and a paint (figure 7, paint25). A scroll
    // after the open is the reader's: rendered at once, or the rows coming into view would be blank
    // for a frame.
    useFlushSync: !opening,
    // Chat semantics: keep the view still when older pages are prepended, follow new messages at the end.
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: BOTTOM_THRESHOLD_PX,
    onChange: (instance) => {
      const atEnd = instance.isAtEnd(BOTTOM_THRESHOLD_PX);
      // Until the open's scroll to the end (or a later one) is read back, the list is on its way to
      // the end, not scrolled up: the first render stands at the end of a window-high guess of the
      // view, short of the real end, and "Jump to newest" was painted in the first frame with rows
      // (and the core told the newest was not seen) until the scroll event a frame later.
      setAtBottom(atEnd || !openedAtEnd.current || goingToEnd(instance));
      if (atEnd && instance.options.count > 0) setPositioned(true);
    },
  });

  instance.current = virtualizer;
  useLayoutEffect(() => {
    heldEnd.current = { lastKey: lastRowKey, count: rows.length };
  }, [lastRowKey, rows.length]);

  // The first screenful opens at the newest message: before the frame is painted, so the rows mounted
  // at the end are what the first frame shows.
  useLayoutEffect(() => {
    if (ready && !openedAtEnd.current && rows.length > 0) {
      openedAtEnd.current = true;
      virtualizer.scrollToEnd();
    }
  }, [ready, rows.length, virtualizer]);

  // Scrolled near the top: fetch the page before (the anchor keeps what is on screen still). Also
  // re-checked when a page lands: still near the top (a short page), fetch the next one.
  const firstIndex = virtualizer.getVirtualItems()[0]?.index;
  const held = rows.length;
  useEffect(() => {
    if (positioned && held > 0 && firstIndex !== undefined && firstIndex < LOAD_OLDER_WITHIN_ROWS) {
      void store.getState().loadOlder(channelId);
    }
  }, [positioned, firstIndex, held, channelId, store]);

  // Stuck to the bottom: from the open until the reader scrolls up, and again once they are back at
  // the end. While stuck, whatever leaves the view short of the end without the reader's doing (the
  // viewport shrinks: a banner, a resize; a row at the end grows after the follow: a thumbnail comes,
  // a row measures taller than its estimate) brings it back down. Without the second half, a row that
  // grew past the threshold after a follow, or a resize while a follow was on its way (a scroll event
  // read then found the view short of the end), left it there, and no later batch was followed again:
  // the list ended away from the newest message (follow-stress.ts, 2 of 3 rounds of a seed at load 30).
  // Tracked from scroll events: only a scroll that moves up (the reader, or a jump to a message) and
  // does not end at the end unsticks; a scroll down that lands short of the end (a follow written
  // against a layout that grew since) does not.
  useEffect(() => {
    const element = scrollRef.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    let stuck = true;
    let lastTop = element.scrollTop;
    const onScroll = () => {
      const top = element.scrollTop;
      stuck = stuckAfterScroll(stuck, { top, lastTop, atEnd: virtualizer.isAtEnd(BOTTOM_THRESHOLD_PX) });
      lastTop = top;
    };
    const observer = new ResizeObserver(() => {
      if (stuck && !virtualizer.isAtEnd(1)) virtualizer.scrollToEnd();
    });
    element.addEventListener('scroll', onScroll, { passive: true });
    observer.observe(element);
    const canvas = element.querySelector('.message-canvas');
    if (canvas) observer.observe(canvas);
    return () => {
      element.removeEventListener('scroll', onScroll);
      observer.disconnect();
    };
  }, [virtualizer]);

  // Our own new message always brings the view down to it.
  const last = messages?.[messages.length - 1];
  const lastKey = last?.key;
  const lastIsOwnNew = last?.own === true && last.status === 'Sending';
  useEffect(() => {
    if (lastKey && lastIsOwnNew) virtualizer.scrollToEnd();
  }, [lastKey, lastIsOwnNew, virtualizer]);

  // A notification click or `navigate`: bring that message into view and mark it for a moment.
  // Only a new highlight request moves the view, not every later change of the rows.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the request's nonce on purpose
  useEffect(() => {
    if (!highlight || highlight.inThread || highlight.channelId !== channelId) return;
    const index = rows.findIndex((r) => r.kind === 'message' && r.message.id === highlight.messageId);
    if (index < 0) return;
    virtualizer.scrollToIndex(index, { align: 'center' });
    setHighlightedId(highlight.messageId);
    // Consumed: opening this channel again later starts at the newest message, not here.
    store.setState({ highlight: null });
    const timer = setTimeout(() => setHighlightedId(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlight?.nonce]);

  return { virtualizer, scrollRef, atBottom, highlightedId, appendedAtEnd };
}

/**
 * Whether the virtualizer's scroll to the end (the follow it started after an append, or "jump to
 * newest") is still on its way: until its scroll event is read back, a render (a measurement's, a
 * store update's) still sees the old offset, and would unmount the end's rows only to mount them
 * again a frame later. The virtualizer keeps this in a private field; without it, the answer is no.
 */
function goingToEnd(list: Virtualizer<HTMLElement, Element>): boolean {
  return (list as unknown as { scrollState?: { toEnd?: boolean } | null }).scrollState?.toEnd === true;
}

/**
 * Whether the list stays stuck to the bottom after a scroll event: at the end it is; away from it, only
 * a scroll that moved up (the reader, a jump) unsticks it. A scroll down that lands short of the end
 * (a follow written against a layout that grew since) leaves it stuck, so the resize that comes next
 * brings it down (the effect above).
 */
export function stuckAfterScroll(
  stuck: boolean,
  scroll: { top: number; lastTop: number; atEnd: boolean },
): boolean {
  if (scroll.atEnd) return true;
  return scroll.top < scroll.lastTop - 1 ? false : stuck;
}

/** The offset is within the threshold of the end, by the list's own sizes (no layout read). */
function virtuallyAtEnd(list: Virtualizer<HTMLElement, Element>): boolean {
  const end = list.getTotalSize() - (list.scrollRect?.height ?? 0);
  return end - (list.scrollOffset ?? 0) <= BOTTOM_THRESHOLD_PX;
}

/**
 * The rows to render while new rows are followed at the end: those on screen now and the overscan
 * above them (mounted already: nothing to do now; without the overscan below, which the follow scrolls
 * past) and the end's view, where the follow lands. The overscan above that view is left to a render
 * after the frame that shows it (see `kept`), so a batch's task mounts one screenful and the frame
 * none. In index order, each once.
 */
export function withEndRows(
  range: Range,
  instance: Pick<
    Virtualizer<HTMLElement, Element>,
    'getVirtualItemForOffset' | 'getTotalSize' | 'scrollRect'
  >,
): number[] {
  const last = range.count - 1;
  const endTop = instance.getTotalSize() - (instance.scrollRect?.height ?? 0);
  const from = endTop > 0 ? (instance.getVirtualItemForOffset(endTop)?.index ?? 0) : 0;
  const indexes: number[] = [];
  const onScreenLast = Math.min(range.endIndex, last, from - 1);
  for (let i = Math.max(0, range.startIndex - range.overscan); i <= onScreenLast; i++) indexes.push(i);
  for (let i = from; i <= last; i++) indexes.push(i);
  return indexes;
}

/**
 * The rows `mounted` (in index order) and those on screen in `range` (not its overscan), in index
 * order, each once: what the follow's own render mounts, so that it adds only rows that would show.
 */
export function withVisibleRows(mounted: readonly number[], range: Range): number[] {
  const indexes: number[] = [];
  let next = range.startIndex;
  const visibleLast = Math.min(range.endIndex, range.count - 1);
  for (const index of mounted) {
    if (index >= range.count) break;
    while (next <= visibleLast && next < index) indexes.push(next++);
    if (next === index) next++;
    indexes.push(index);
  }
  while (next <= visibleLast) indexes.push(next++);
  return indexes;
}
