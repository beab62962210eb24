import { memo, useMemo } from 'react';
import { renderMessageHtml } from './sanitize';

/**
 * The rendered body, and nothing else (QA reads `message-content` as the body). Clicks on its
 * links are caught once for the whole window (app/use-link-interceptor), never navigate it.
 */
export const MessageContent = memo(function MessageContent({ content }: { content: string }) {
  const html = useMemo(() => renderMessageHtml(content), [content]);
  return (
    <div
      data-testid="message-content"
      className="message-content"
      // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by renderMessageHtml (DOMPurify allow-list)
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
});
