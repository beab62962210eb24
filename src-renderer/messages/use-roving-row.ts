import type { Virtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { Row } from './rows';

const STEP: Record<string, 'up' | 'down' | 'first' | 'last' | undefined> = {
  ArrowUp: 'up',
  ArrowDown: 'down',
  Home: 'first',
  End: 'last',
};

/**
 * The message list as one tab stop (issue 12: 22 Tabs from the sidebar to the composer): one row
 * is the stop, the arrow keys (and Home/End) move it, and only that row's buttons are tab stops.
 * With virtualization the chosen row may be scrolled away: then the newest mounted row stands in.
 */
export function useRovingRow(
  rows: Row[],
  virtualizer: Virtualizer<HTMLElement, Element>,
  scrollRef: React.RefObject<HTMLElement | null>,
) {
  const [chosen, setChosen] = useState<string | null>(null);
  const focusAfterRender = useRef<string | null>(null);

  const mounted = new Set(
    virtualizer.getVirtualItems().flatMap((item) => {
      const row = rows[item.index];
      return row?.kind === 'message' ? [row.key] : [];
    }),
  );
  const newestMounted = [...mounted].at(-1) ?? null;
  const stopKey = chosen && mounted.has(chosen) ? chosen : newestMounted;

  useEffect(() => {
    const key = focusAfterRender.current;
    if (!key) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(
      `[data-testid="message"][data-key="${CSS.escape(key)}"]`,
    );
    if (el) {
      focusAfterRender.current = null;
      el.focus({ preventScroll: false });
    }
  });

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLElement>) => {
      const step = STEP[event.key];
      const target = event.target as HTMLElement;
      // Only from a row itself (its buttons keep their keys), and never with a modifier.
      if (!step || target.dataset.testid !== 'message' || event.altKey || event.ctrlKey || event.metaKey)
        return;
      const messageIndexes = rows.flatMap((r, i) => (r.kind === 'message' ? [i] : []));
      const at = messageIndexes.findIndex((i) => rows[i]?.key === target.dataset.key);
      if (at < 0) return;
      const next =
        step === 'first'
          ? 0
          : step === 'last'
            ? messageIndexes.length - 1
            : Math.min(messageIndexes.length - 1, Math.max(0, at + (step === 'up' ? -1 : 1)));
      const index = messageIndexes[next];
      const row = index === undefined ? undefined : rows[index];
      if (index === undefined || !row) return;
      event.preventDefault();
      setChosen(row.key);
      focusAfterRender.current = row.key;
      virtualizer.scrollToIndex(index, { align: 'auto' });
    },
    [rows, virtualizer],
  );

  const onFocus = useCallback((event: React.FocusEvent<HTMLElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-testid="message"]');
    const key = row?.dataset.key;
    if (key) setChosen(key);
  }, []);

  return { stopKey, onKeyDown, onFocus };
}
