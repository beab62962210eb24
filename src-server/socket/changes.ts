/**
 * Messages that change: `message:edit`, `message:delete`, `reaction:add`, `reaction:remove`. Each is
 * rate-limited, then a replay of its opId is answered as the first time (before any other check: the
 * channel may have been archived since), then the rules: the message exists and is not a tombstone, the
 * caller is a member of its channel, which is not archived; only the author edits, the author or an
 * admin deletes, any member reacts. The store applies it in one transaction (store/changes.ts) and the
 * change is broadcast to the whole channel room, the caller's own devices included, across instances.
 */
import {
  type ChangeApplied,
  ChangeEvent,
  channelRoom,
  DeleteMessagePayload,
  EditMessagePayload,
  type Message,
  ReactionPayload,
} from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { forbidden, notFound } from '../errors';
import type { EventLimit } from '../limits/event-limit';
import { requireWritable } from '../membership';
import type { MessageChange } from '../store/changes';
import { type Route, route } from './handle';
import { resolveMentions } from './mentions';
import type { RelayServer } from './types';

const NOT_AUTHOR: Record<MessageChange['kind'], string> = {
  edit: 'Only the author may edit a message',
  delete: 'Only the author or an admin may delete a message',
  react: 'Not allowed to react to this message',
};

export interface ChangeDeps {
  io: RelayServer;
  /** Per user: CHANGE_LIMIT. */
  limit: EventLimit;
}

export function changeRoutes(ctx: ServerContext, { io, limit }: ChangeDeps): [string, Route][] {
  const { store, logger } = ctx;

  async function apply(
    userId: string,
    opId: string,
    messageId: string,
    makeChange: (message: Message) => Promise<MessageChange>,
  ): Promise<ChangeApplied> {
    await limit.consume(userId);
    const first = await store.appliedOp(userId, opId);
    if (first) return first;
    const message = await store.getMessage(messageId);
    if (!message) throw notFound('Message');
    await requireWritable(store, message.channelId, userId);
    const change = await makeChange(message);
    const moderator =
      change.kind === 'delete' && message.userId !== userId && (await store.getUser(userId))?.admin === true;
    const at = new Date().toISOString();
    const result = await store.changeMessage({ opId, userId, messageId, moderator, change, at });
    if (result.status === 'refused') {
      throw result.reason === 'not_found' ? notFound('Message') : forbidden(NOT_AUTHOR[change.kind]);
    }
    if (result.status === 'applied' && result.changed) {
      broadcast(change, result.message);
      logger.debug(
        { event: change.kind, userId, messageId, changeSeq: result.answer.changeSeq },
        'message changed',
      );
    }
    return result.answer;
  }

  function broadcast(change: MessageChange, message: Message): void {
    const room = io.to(channelRoom(message.channelId));
    const { id: messageId, channelId, changeSeq } = message;
    if (change.kind === 'edit') room.emit(ChangeEvent.UPDATED, { message });
    else if (change.kind === 'delete') room.emit(ChangeEvent.DELETED, { messageId, channelId, changeSeq });
    else
      room.emit(ChangeEvent.REACTION_UPDATED, {
        messageId,
        channelId,
        reactions: message.reactions,
        changeSeq,
      });
  }

  return [
    route(ChangeEvent.EDIT, EditMessagePayload, (socket, { opId, messageId, content }) =>
      apply(socket.data.userId, opId, messageId, async (message) => ({
        kind: 'edit',
        content,
        mentions: await resolveMentions(store, message.channelId, content),
      })),
    ),
    route(ChangeEvent.DELETE, DeleteMessagePayload, (socket, { opId, messageId }) =>
      apply(socket.data.userId, opId, messageId, async () => ({ kind: 'delete' })),
    ),
    ...(
      [
        [ChangeEvent.REACTION_ADD, true],
        [ChangeEvent.REACTION_REMOVE, false],
      ] as const
    ).map(([event, add]) =>
      route(event, ReactionPayload, (socket, { opId, messageId, emoji }) =>
        apply(socket.data.userId, opId, messageId, async () => ({ kind: 'react', emoji, add })),
      ),
    ),
  ];
}
