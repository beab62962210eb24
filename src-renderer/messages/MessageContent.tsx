import { memo, useMemo } from 'react';
import { renderMessageHtml } from './sanitize';

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
  const html = useMemo(() => renderMessageHtml(content), [content]);
  return (
    <div
      data-testid={testId ?? undefined}
      className="message-content"
      // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by renderMessageHtml (DOMPurify allow-list)
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
});
