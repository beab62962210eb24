import { memo } from 'react';
import type { MessageView } from '../../src-shared/bridge';
import { ErrorBoundary } from '../app/ErrorBoundary';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { MessageContent } from './MessageContent';
import { MessageStatus } from './MessageStatus';

type Props = {
  message: MessageView;
  grouped: boolean;
  highlighted: boolean;
  /** Shows the reply button and reply count (not inside a thread, where replies have no replies). */
  onReply?: (message: MessageView) => void;
  replyCount?: number;
  /**
   * The thread's copy of its parent message, shown above the replies. The same message is already
   * in the channel list, so this copy carries none of QA's message test ids: a locator finds each
   * message (and each body) once, and a thread's `message-content`s are its replies.
   */
  echo?: boolean;
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** One message; if anything in it fails to render, a note takes that row's place and nothing else's. */
export const MessageRow = memo(function MessageRow(props: Props) {
  const { message, echo = false } = props;
  return (
    <ErrorBoundary resetKey={message} fallback={() => <UnavailableRow message={message} echo={echo} />}>
      <MessageRowBody {...props} />
    </ErrorBoundary>
  );
});

function UnavailableRow({ message, echo }: { message: MessageView; echo: boolean }) {
  return (
    <article
      data-testid={echo ? 'thread-parent' : 'message'}
      data-message-id={echo ? undefined : message.id}
      data-client-message-id={echo ? undefined : message.clientMessageId}
      className="message unavailable"
    >
      <p className="message-unavailable">This message could not be shown.</p>
    </article>
  );
}

function MessageRowBody({ message, grouped, highlighted, onReply, replyCount, echo = false }: Props) {
  const created = new Date(message.createdAt);
  const classes = ['message'];
  if (grouped) classes.push('grouped');
  if (message.own) classes.push('own');
  if (message.status === 'Failed') classes.push('failed');
  if (highlighted) classes.push('highlighted');
  const replies = replyCount ?? message.replyCount;

  return (
    <article
      data-testid={echo ? 'thread-parent' : 'message'}
      data-message-id={echo ? undefined : message.id}
      data-client-message-id={echo ? undefined : message.clientMessageId}
      className={classes.join(' ')}
      aria-label={`${message.author.name}, ${timeFormat.format(created)}`}
    >
      {grouped ? (
        <time className="message-time gutter" dateTime={message.createdAt} title={fullFormat.format(created)}>
          {timeFormat.format(created)}
        </time>
      ) : (
        <header className="message-header">
          <Avatar user={message.author} />
          <span className="message-author">{message.author.name}</span>
          <time className="message-time" dateTime={message.createdAt} title={fullFormat.format(created)}>
            {timeFormat.format(created)}
          </time>
        </header>
      )}
      <MessageContent content={message.content} testId={echo ? null : 'message-content'} />
      {!echo && <MessageFooter message={message} replies={onReply ? replies : 0} onReply={onReply} />}
      {onReply && message.id && (
        <div className="message-actions">
          <button
            type="button"
            data-testid="reply-button"
            className="reply-button"
            onClick={() => onReply(message)}
            aria-label={`Reply to ${message.author.name} in a thread`}
          >
            Reply
          </button>
        </div>
      )}
    </article>
  );
}

function MessageFooter({
  message,
  replies,
  onReply,
}: {
  message: MessageView;
  replies: number;
  onReply?: Props['onReply'];
}) {
  const store = useAppStore();
  const failed = message.status === 'Failed' && message.clientMessageId;
  if (!message.own && replies === 0) return null;
  return (
    <footer className="message-footer">
      {replies > 0 && onReply && (
        <button type="button" className="reply-count link-button" onClick={() => onReply(message)}>
          {replies === 1 ? '1 reply' : `${replies} replies`}
        </button>
      )}
      <MessageStatus message={message} />
      {failed && (
        <>
          {message.failure && <span className="failure-reason">{message.failure.message}</span>}
          <button
            type="button"
            data-testid="message-retry"
            className="link-button"
            onClick={() => void store.getState().retryMessage(message.clientMessageId!)}
          >
            Retry
          </button>
          <button
            type="button"
            className="link-button danger"
            onClick={() => void store.getState().discardMessage(message.clientMessageId!)}
          >
            Discard
          </button>
        </>
      )}
    </footer>
  );
}
