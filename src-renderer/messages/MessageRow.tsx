import { memo } from 'react';
import type { MessageView } from '../../src-shared/bridge';
import { ErrorBoundary } from '../app/ErrorBoundary';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { MessageContent } from './MessageContent';
import { MessageFiles } from './MessageFiles';
import { MessageStatus, SeenBy } from './MessageStatus';
import { formatFull, formatTime } from './time';

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
  /** The newest own message: its status mark (and who has seen it) shows at rest. */
  lastOwn?: boolean;
  /**
   * In a list with one tab stop (roving tabindex): whether this row is that stop. Its buttons are
   * tab stops only while it is; undefined outside such a list (a thread's replies).
   */
  tabStop?: boolean;
};

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

function MessageRowBody({
  message,
  grouped,
  highlighted,
  onReply,
  replyCount,
  echo = false,
  lastOwn = false,
  tabStop,
}: Props) {
  const created = new Date(message.createdAt);
  const classes = ['message'];
  if (grouped) classes.push('grouped');
  if (message.own) classes.push('own');
  if (message.status === 'Failed') classes.push('failed');
  if (highlighted) classes.push('highlighted');
  const replies = replyCount ?? message.replyCount;
  const time = formatTime(created);
  const inner = tabStop === false ? -1 : undefined;

  return (
    <article
      data-testid={echo ? 'thread-parent' : 'message'}
      data-message-id={echo ? undefined : message.id}
      data-client-message-id={echo ? undefined : message.clientMessageId}
      data-key={message.key}
      className={classes.join(' ')}
      aria-label={`${message.author.name}, ${time}`}
      tabIndex={tabStop === undefined ? undefined : tabStop ? 0 : -1}
    >
      {grouped ? (
        <time className="message-time gutter" dateTime={message.createdAt} title={formatFull(created)}>
          {time}
        </time>
      ) : (
        <header className="message-header">
          <Avatar user={message.author} />
          <span className="message-author">{message.author.name}</span>
          <time className="message-time" dateTime={message.createdAt} title={formatFull(created)}>
            {time}
          </time>
        </header>
      )}
      <MessageContent content={message.content} testId={echo ? null : 'message-content'} />
      {message.files && message.files.length > 0 && <MessageFiles files={message.files} tabIndex={inner} />}
      {!echo && (
        <MessageFooter
          message={message}
          replies={onReply ? replies : 0}
          onReply={onReply}
          lastOwn={lastOwn}
          tabIndex={inner}
        />
      )}
      {!echo && (
        <div className="message-side">
          {onReply && message.id && (
            <button
              type="button"
              data-testid="reply-button"
              className="reply-button"
              onClick={() => onReply(message)}
              aria-label={`Reply to ${message.author.name} in a thread`}
              tabIndex={inner}
            >
              Reply
            </button>
          )}
          <MessageStatus message={message} always={lastOwn} />
        </div>
      )}
    </article>
  );
}

function MessageFooter({
  message,
  replies,
  onReply,
  lastOwn,
  tabIndex,
}: {
  message: MessageView;
  replies: number;
  onReply?: Props['onReply'];
  lastOwn: boolean;
  tabIndex: number | undefined;
}) {
  const store = useAppStore();
  const failed = message.status === 'Failed' && message.clientMessageId;
  const seenBy = message.own && message.seenBy.length > 0;
  if (replies === 0 && !failed && !seenBy) return null;
  return (
    <footer className={`message-footer${seenBy && !lastOwn && replies === 0 && !failed ? ' on-focus' : ''}`}>
      {replies > 0 && onReply && (
        <button
          type="button"
          className="reply-count link-button"
          onClick={() => onReply(message)}
          tabIndex={tabIndex}
        >
          {replies === 1 ? '1 reply' : `${replies} replies`}
        </button>
      )}
      {seenBy && <SeenBy message={message} tabIndex={tabIndex} />}
      {failed && (
        <>
          {message.failure && <span className="failure-reason">{message.failure.message}</span>}
          <button
            type="button"
            data-testid="message-retry"
            className="link-button"
            onClick={() => void store.getState().retryMessage(message.clientMessageId!)}
            tabIndex={tabIndex}
          >
            Retry
          </button>
          <button
            type="button"
            className="link-button danger"
            onClick={() => void store.getState().discardMessage(message.clientMessageId!)}
            tabIndex={tabIndex}
          >
            Discard
          </button>
        </>
      )}
    </footer>
  );
}
