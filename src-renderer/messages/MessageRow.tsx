import { memo, useRef } from 'react';
import type { MessageView } from '../../src-shared/bridge';
import { ErrorBoundary } from '../app/ErrorBoundary';
import { useApp, useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { MessageBody } from './MessageBody';
import { MessageFiles } from './MessageFiles';
import { MessageStatus, SeenBy } from './MessageStatus';
import { MessageToolbar } from './MessageToolbar';
import { PendingUploads } from './PendingUploads';
import { Reactions } from './Reactions';
import { formatFull, formatTime } from './time';
import { useMemberNames } from './use-member-names';

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
  /**
   * False while the list's first frame is being made: the row leaves out its hover toolbar and its
   * hover-only status mark (invisible at rest), which the list adds right after that frame.
   */
  decorated?: boolean;
  /** Off screen while the list's first frame is made: the body's Markdown comes right after it. */
  plainBody?: boolean;
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
  decorated = true,
  plainBody = false,
}: Props) {
  const store = useAppStore();
  const rowRef = useRef<HTMLElement>(null);
  const editing = useApp((s) => (echo ? null : s.editing?.key === message.key ? s.editing : null));
  const names = useMemberNames(message.channelId);
  const me = useApp((s) => s.session?.user?.id);
  const created = new Date(message.createdAt);
  const classes = ['message'];
  if (grouped) classes.push('grouped');
  if (message.own) classes.push('own');
  if (message.status === 'Failed') classes.push('failed');
  if (message.deleted) classes.push('deleted');
  if (highlighted) classes.push('highlighted');
  if (!onReply) classes.push('no-reply');
  const replies = replyCount ?? message.replyCount;
  const time = formatTime(created);
  const inner = tabStop === false ? -1 : undefined;
  const changeable = message.own && !message.deleted;

  /** The edit ended: focus goes back where it came from (the composer, or this row). */
  function endEdit(save?: string) {
    const state = store.getState();
    if (save === undefined) state.stopEditing();
    else void state.saveEdit(message, save);
    const pane = rowRef.current?.closest('.thread-view, .channel-pane');
    const composer = pane?.querySelector<HTMLElement>('[data-testid="message-input"]');
    if (editing?.via === 'composer' && composer) composer.focus();
    else rowRef.current?.focus();
  }

  function toggleReaction(emoji: string, mine?: boolean) {
    const held = mine ?? message.reactions.some((r) => r.emoji === emoji && r.mine);
    void store.getState().toggleReaction(message, emoji, held);
  }

  return (
    <article
      ref={rowRef}
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
      <MessageBody
        message={message}
        echo={echo}
        editing={editing !== null}
        onEditEnd={endEdit}
        plain={plainBody}
      />
      {!message.deleted && message.files && message.files.length > 0 && (
        <MessageFiles files={message.files} tabIndex={inner} />
      )}
      {!message.deleted && message.uploads && message.uploads.length > 0 && (
        <PendingUploads uploads={message.uploads} tabIndex={inner} />
      )}
      {!message.deleted && (
        <Reactions
          reactions={message.reactions}
          nameOf={names.nameOf}
          me={me}
          onToggle={toggleReaction}
          tabIndex={echo ? -1 : inner}
        />
      )}
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
          {decorated && !message.deleted && !editing && (
            <MessageToolbar
              authorName={message.author.name}
              onReact={toggleReaction}
              onReply={onReply && message.id ? () => onReply(message) : undefined}
              onEdit={changeable ? () => store.getState().startEditing(message) : undefined}
              onDelete={changeable ? () => store.getState().askDelete(message) : undefined}
              tabIndex={inner}
            />
          )}
          {(decorated || lastOwn || message.status === 'Failed') && (
            <MessageStatus message={message} always={lastOwn} />
          )}
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
  const changeFailure = message.changeFailure;
  if (replies === 0 && !failed && !seenBy && !changeFailure) return null;
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
          <RetryOrDiscard
            retry={() => store.getState().retryMessage(message.clientMessageId!)}
            discard={() => store.getState().discardMessage(message.clientMessageId!)}
            retryTestId="message-retry"
            tabIndex={tabIndex}
          />
        </>
      )}
      {changeFailure && (
        <>
          <span className="failure-reason">
            {message.deleted ? 'Deletion' : 'Change'} not sent: {changeFailure.message}
          </span>
          <RetryOrDiscard
            retry={() => store.getState().retryChange(changeFailure.opId)}
            discard={() => store.getState().discardChange(changeFailure.opId)}
            tabIndex={tabIndex}
          />
        </>
      )}
    </footer>
  );
}

/** What a failed send or change offers: try again, or give it up. */
function RetryOrDiscard({
  retry,
  discard,
  retryTestId,
  tabIndex,
}: {
  retry: () => Promise<void>;
  discard: () => Promise<void>;
  retryTestId?: string;
  tabIndex: number | undefined;
}) {
  return (
    <>
      <button
        type="button"
        data-testid={retryTestId}
        className="link-button"
        onClick={() => void retry()}
        tabIndex={tabIndex}
      >
        Retry
      </button>
      <button type="button" className="link-button danger" onClick={() => void discard()} tabIndex={tabIndex}>
        Discard
      </button>
    </>
  );
}
