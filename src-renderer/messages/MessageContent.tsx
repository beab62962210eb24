import { memo, useMemo } from 'react';
import { renderMessageHtml } from './sanitize';

/**
 * Rows mount and unmount as a long list scrolls: keep the last few thousand rendered bodies so
 * scrolling back does not parse and sanitize them again. (A Map iterates in insertion order, so the
 * first key is the least recently used.)
 */
const CACHE_SIZE = 2_000;
const rendered = new Map<string, string>();

function renderCached(content: string): string {
  const hit = rendered.get(content);
  if (hit !== undefined) {
    rendered.delete(content);
    rendered.set(content, hit);
    return hit;
  }
  const html = renderMessageHtml(content);
  rendered.set(content, html);
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
}: {
  content: string;
  /** null: no test id (a copy of a message shown elsewhere on the page). */
  testId?: string | null;
}) {
  const html = useMemo(() => renderCached(content), [content]);
  return (
    <div
      data-testid={testId ?? undefined}
      className="message-content"
      // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by renderMessageHtml (DOMPurify allow-list)
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
});
