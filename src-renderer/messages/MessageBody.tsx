import { useMemo } from 'react';
import type { MessageView } from '../../src-shared/bridge';
import { useApp } from '../store/context';
import { MessageContent } from './MessageContent';
import { MessageEditor } from './MessageEditor';
import { BROADCAST_MENTIONS, type MentionMarks } from './mentions';
import { formatFull } from './time';
import { useMemberNames } from './use-member-names';

type Props = {
  message: MessageView;
  /** The thread's copy of its parent: no test ids. */
  echo: boolean;
  editing: boolean;
  /** The edit ended: saved with this text, or cancelled (undefined). */
  onEditEnd: (save?: string) => void;
  /** The text as typed for now, its Markdown a frame later (MessageContent's `plain`). */
  plain?: boolean;
};

export const TOMBSTONE = 'This message was deleted';

/**
 * What a message says: its rendered body with its @mentions as pills and an "(edited)" mark, the
 * editor while it is edited in place, or the tombstone of a deleted one (kept in its place so the
 * order and its replies hold). A change not yet acknowledged says so beside it.
 */
export function MessageBody({ message, echo, editing, onEditEnd, plain }: Props) {
  const marks = useMentionMarks(message);
  const testId = (id: string) => (echo ? undefined : id);
  if (message.deleted) {
    return (
      <p data-testid={testId('message-content')} className="message-content tombstone">
        {TOMBSTONE}
        {message.pendingChange === 'delete' && <Pending />}
      </p>
    );
  }
  if (editing) {
    return <MessageEditor initial={message.content} onSave={onEditEnd} onCancel={() => onEditEnd()} />;
  }
  const content = (
    <MessageContent
      content={message.content}
      testId={echo ? null : 'message-content'}
      mentions={marks}
      plain={plain}
    />
  );
  if (!message.editedAt && !message.pendingChange) return content;
  return (
    <div className="message-body">
      {content}
      {message.editedAt && (
        <span
          data-testid={testId('message-edited')}
          className="message-edited"
          title={`Edited ${formatFull(new Date(message.editedAt))}`}
        >
          (edited)
        </span>
      )}
      {message.pendingChange === 'edit' && <Pending />}
    </div>
  );
}

/** A change of ours the server has not acknowledged yet (it is queued, and survives a restart). */
function Pending() {
  return (
    <span className="message-pending" title="Waiting for the server">
      {' '}
      Saving…
    </span>
  );
}

/**
 * Which @names of the message are pills: the people the server found mentioned (by the handle the
 * store knows them by) and, when anyone is, `@channel` / `@here`; those meaning the reader highlighted.
 */
function useMentionMarks(message: MessageView): MentionMarks | undefined {
  const { handleOf } = useMemberNames(message.channelId);
  const me = useApp((s) => s.session?.user);
  return useMemo(() => {
    if (message.mentions.length === 0) return undefined;
    const names = message.mentions.flatMap((id) => {
      const handle = handleOf(id);
      return handle ? [handle] : [];
    });
    const mine = message.mentionsMe
      ? [...BROADCAST_MENTIONS, ...(me ? [handleOf(me.id) ?? me.name.toLowerCase()] : [])]
      : [];
    return { names: [...names, ...BROADCAST_MENTIONS], mine };
  }, [message.mentions, message.mentionsMe, handleOf, me]);
}
