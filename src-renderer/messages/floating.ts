import { type RefObject, useEffect, useLayoutEffect, useState } from 'react';

/**
 * Where a popover (emoji picker) goes beside the button that opened it: below it, or above when the
 * window has no room below, kept inside the window. Fixed-positioned and rendered in a portal, so
 * the virtual list's scroller (and its rows' transforms) can never clip it.
 */
export function useFloatingPosition(
  anchor: HTMLElement | null,
  floating: RefObject<HTMLElement | null>,
): { top: number; left: number } {
  const [position, setPosition] = useState({ top: 0, left: 0 });
  useLayoutEffect(() => {
    if (!anchor || !floating.current) return;
    const a = anchor.getBoundingClientRect();
    const f = floating.current.getBoundingClientRect();
    const margin = 8;
    const below = a.bottom + 4;
    const top =
      below + f.height <= window.innerHeight - margin ? below : Math.max(margin, a.top - 4 - f.height);
    const left = Math.min(
      Math.max(margin, a.right - f.width),
      Math.max(margin, window.innerWidth - f.width - margin),
    );
    setPosition({ top, left });
  }, [anchor, floating]);
  return position;
}

/** Calls `onOutside` for a pointer press outside `ref` (and outside `also`, the button that toggles it). */
export function useOutsidePress(
  ref: RefObject<HTMLElement | null>,
  onOutside: () => void,
  also?: HTMLElement | null,
): void {
  useEffect(() => {
    function onPointerDown(event: PointerEvent) {
      const target = event.target as Node | null;
      if (!target || ref.current?.contains(target) || also?.contains(target)) return;
      onOutside();
    }
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => document.removeEventListener('pointerdown', onPointerDown, true);
  }, [ref, onOutside, also]);
}
