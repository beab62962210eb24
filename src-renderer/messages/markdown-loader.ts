/**
 * marked and DOMPurify (sanitize.ts) are a chunk of their own, loaded when the first body that is not
 * plain text is rendered, or right after the workspace's first frame, whichever comes first: the
 * first frame of a cold start needs neither (BENCHMARKS.md, paint9). Until the chunk is in, such a
 * body is shown as the text typed (React text, no HTML: nothing to sanitize), then as its Markdown.
 */
export type MarkdownRenderer = typeof import('./sanitize');

let loaded: MarkdownRenderer | null = null;
let loading: Promise<MarkdownRenderer> | null = null;
const listeners = new Set<() => void>();

/** The renderer if its chunk is in, else null. */
export function markdownRenderer(): MarkdownRenderer | null {
  return loaded;
}

/** Loads the renderer's chunk (once; again after a failure). */
export function loadMarkdown(): Promise<MarkdownRenderer> {
  loading ??= import('./sanitize').then(
    (renderer) => {
      loaded = renderer;
      for (const listener of listeners) listener();
      return renderer;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** For useSyncExternalStore: `listener` runs once the renderer is in. */
export function subscribeMarkdown(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
