import type { Settings } from '../../src-shared/bridge';

/**
 * Puts the chosen theme on <html> ('system' takes it off: the OS decides, through `color-scheme: light
 * dark`), and writes nothing when it is there already. A write to that attribute restyles every element
 * of the page (each light-dark() colour), even with the same value: main.tsx applies the theme before
 * React's first render, so the workspace's first layout has it and App's effect then finds nothing to
 * do. Done from that effect, it cost a second style recalc of the whole page (~250 elements, 3–6 ms)
 * inside the first frame's render task (figure 7, paint25).
 */
export function applyTheme(theme: Settings['theme'], root: HTMLElement = document.documentElement): void {
  const wanted = theme === 'system' ? undefined : theme;
  if (root.dataset.theme === wanted) return;
  if (wanted === undefined) delete root.dataset.theme;
  else root.dataset.theme = wanted;
}
