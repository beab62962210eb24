import { useEffect, useRef } from 'react';
import type { MessageView } from '../../src-shared/bridge';
import { focusMainComposer } from '../app/use-keyboard';
import { conversationLabel } from '../channels/conversation-label';
import { Composer } from '../composer/Composer';
import { MessageRow } from '../messages/MessageRow';
import { useApp, useAppStore } from '../store/context';

const noReplies: MessageView[] = [];

/** The replies under one message (few enough to render in full), with a composer for another. */
export function ThreadView({ channelId, parentId }: { channelId: string; parentId: string }) {
  const store = useAppStore();
  const channel = useApp((s) => s.channels.find((c) => c.id === channelId));
  const channelLabel = channel ? conversationLabel(channel) : '';
  const parent = useApp((s) => s.histories[channelId]?.messages.find((m) => m.id === parentId));
  const thread = useApp((s) => s.threads[parentId]);
  const highlight = useApp((s) => (s.highlight?.inThread ? s.highlight : null));
  const replies = thread?.replies ?? noReplies;
  const endRef = useRef<HTMLDivElement>(null);

  // New replies scroll into view, as in the channel.
  const lastKey = replies[replies.length - 1]?.key;
  useEffect(() => {
    if (lastKey) endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [lastKey]);

  const count = Math.max(replies.length, parent?.replyCount ?? 0);
  return (
    <aside className="thread-view" data-testid="thread-view" aria-label="Thread">
      <header className="pane-header">
        <h2>Thread</h2>
        <span className="pane-subtitle">{channelLabel}</span>
        <button
          type="button"
          className="icon-button"
          aria-label="Close thread"
          title="Close thread (Esc)"
          onClick={() => {
            store.getState().closeThread();
            focusMainComposer();
          }}
        >
          ×
        </button>
      </header>
      <div className="thread-scroll">
        {parent && <MessageRow message={parent} grouped={false} highlighted={false} echo />}
        <div className="thread-count">
          {count === 1
            ? '1 reply'
            : count > 0
              ? `${count} replies`
              : thread?.status === 'loading'
                ? 'Replies'
                : 'No replies yet. Start the thread below.'}
        </div>
        {thread?.status === 'loading' && replies.length === 0 && (
          <p className="list-note">Loading replies…</p>
        )}
        {replies.map((reply, index) => (
          <MessageRow
            key={reply.key}
            message={reply}
            grouped={index > 0 && replies[index - 1]?.author.id === reply.author.id}
            highlighted={highlight?.messageId !== undefined && highlight.messageId === reply.id}
          />
        ))}
        <div ref={endRef} />
      </div>
      <Composer channelId={channelId} channelLabel={channelLabel} parentId={parentId} autoFocus />
    </aside>
  );
}
