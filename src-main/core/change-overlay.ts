/**
 * What a message shows with our queued changes over the server's state (optimistic, issue 14): the last
 * queued edit's text, a queued deletion's tombstone, our reactions added or removed, each marked pending
 * until acknowledged. A change that failed (24 h unsent) stays shown, with its failure, until retried or
 * discarded; one refused for good is dropped from the queue, so nothing here shows it any more.
 */
import type { Failure, PendingChange, ReactionView } from '../../src-shared/bridge';
import type { Reaction } from '../../src-shared/protocol';
import { withReaction } from '../store/message-changes';
import type { MessageRow, OperationRow } from '../store/store';

export interface ShownChanges {
  content: string;
  editedAt: string | undefined;
  deleted: boolean;
  reactions: ReactionView[];
  pendingChange: PendingChange | null;
  changeFailure: (Failure & { opId: string }) | undefined;
}

export function shownChanges(row: MessageRow, ops: OperationRow[], selfId: string): ShownChanges {
  let content = row.content;
  let editedAt = row.edited_at ?? undefined;
  let deleted = row.deleted === 1;
  let reactions = JSON.parse(row.reactions_json) as Reaction[];
  let pendingChange: PendingChange | null = null;
  let changeFailure: ShownChanges['changeFailure'];
  const pendingEmoji = new Set<string>();
  for (const op of ops) {
    if (op.state === 'failed' && !changeFailure)
      changeFailure = {
        opId: op.op_id,
        code: op.failure_code ?? 'FAILED',
        message: op.failure_message ?? '',
      };
    if (op.kind === 'edit' && op.content !== null && !deleted) {
      content = op.content;
      editedAt = new Date(op.queued_at).toISOString();
      pendingChange = 'edit';
    } else if (op.kind === 'delete') {
      content = '';
      deleted = true;
      pendingChange = 'delete';
    } else if ((op.kind === 'react' || op.kind === 'unreact') && op.emoji !== null) {
      reactions = withReaction(reactions, op.emoji, selfId, op.kind === 'react');
      pendingEmoji.add(op.emoji);
    }
  }
  const shown = reactions.map((r) => ({
    emoji: r.emoji,
    count: r.userIds.length,
    userIds: r.userIds,
    mine: r.userIds.includes(selfId),
    pending: pendingEmoji.has(r.emoji),
  }));
  return { content, editedAt, deleted, reactions: shown, pendingChange, changeFailure };
}
