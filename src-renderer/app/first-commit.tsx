import { useLayoutEffect } from 'react';

/**
 * Calls `then` in the commit that first puts the tree on the page (render it last, beside the tree).
 * main.tsx's after-the-first-frame work (the Markdown chunk, the favicon) is asked for from here, not
 * right after `root.render()`: that call only schedules React's render, so the frame it waited for
 * was the one before the workspace's, and the idle period's deadline (after-paint.ts) could run out
 * during a long first render, putting that work ahead of the rows' frame (BENCHMARKS.md, paint22).
 */
export function OnFirstCommit({ then }: { then: () => void }) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, at the first commit
  useLayoutEffect(() => then(), []);
  return null;
}
