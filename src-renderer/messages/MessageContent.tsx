import { memo, useEffect, useMemo, useSyncExternalStore } from 'react';
import { loadMarkdown, type MarkdownRenderer, markdownRenderer, subscribeMarkdown } from './markdown-loader';
import { type MentionMarks, marksKey } from './mentions';
import { isPlainText, plainBodyHtml } from './safe-html';

/**
 * Rows mount and unmount as a long list scrolls: keep the last few thousand rendered bodies so
 * scrolling back does not parse and sanitize them again. (A Map iterates in insertion order, so the
 * first key is the least recently used.)
 */
const CACHE_SIZE = 2_000;
const rendered = new Map<string, string>();

/** The body's HTML, or null when it needs marked and DOMPurify and their chunk is not in yet. */
function renderCached(
  content: string,
  mentions: MentionMarks | undefined,
  renderer: MarkdownRenderer | null,
): string | null {
  const key = `${marksKey(mentions)}\u0000${content}`;
  const hit = rendered.get(key);
  if (hit !== undefined) {
    rendered.delete(key);
    rendered.set(key, hit);
    return hit;
  }
  // The plain-text shortcut of renderMessageHtml, which needs neither.
  if (!renderer) return isPlainText(content) ? plainBodyHtml(content) : null;
  const html = renderer.renderMessageHtml(content, mentions);
  rendered.set(key, html);
  if (rendered.size > CACHE_SIZE) rendered.delete(rendered.keys().next().value!);
  return html;
}

/**
 * The rendered body, and nothing else (QA reads `message-content` as the body). Clicks on its
 * links are caught once for the whole window (app/use-link-interceptor), never navigate it.
 */
export const MessageContent = memo(function MessageContent({
  content,
  testId = 'message-content',
  mentions,
  plain = false,
}: {
  content: string;
  /** null: no test id (a copy of a message shown elsewhere on the page). */
  testId?: string | null;
  /** The @names shown as pills; compared by value (a new but equal object renders nothing new). */
  mentions?: MentionMarks;
  /**
   * For now the text as typed, as text (React escapes it; no HTML, so nothing to sanitize): a row
   * off screen while its list's first frame is made gets its Markdown right after that frame.
   */
  plain?: boolean;
}) {
  if (plain) return <PlainContent content={content} testId={testId} />;
  return <RenderedContent content={content} testId={testId} mentions={mentions} />;
});

function PlainContent({ content, testId }: { content: string; testId: string | null }) {
  return (
    <div data-testid={testId ?? undefined} className="message-content plain">
      <p>{content}</p>
    </div>
  );
}

function RenderedContent({
  content,
  testId,
  mentions,
}: {
  content: string;
  testId: string | null;
  mentions: MentionMarks | undefined;
}) {
  const mentionsKey = marksKey(mentions);
  // Null until marked and DOMPurify are in; rendered again once they are.
  const renderer = useSyncExternalStore(subscribeMarkdown, markdownRenderer);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `mentions` is compared by its key
  const html = useMemo(() => renderCached(content, mentions, renderer), [content, mentionsKey, renderer]);
  useEffect(() => {
    if (html === null) void loadMarkdown().catch(() => {}); // it stays the text as typed
  }, [html]);
  // Markdown whose renderer is still loading: the text as typed for now (markdown-loader.ts).
  if (html === null) return <PlainContent content={content} testId={testId} />;
  return (
    <div
      data-testid={testId ?? undefined}
      className="message-content"
      // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by renderMessageHtml (DOMPurify allow-list)
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
