/**
 * `message:send`: validate, recognise a replay, check membership and the parent, rate-limit, store with
 * the channel's next seq, then ack + `message:sent` to the sender and `message:new` to the channel room
 * except the sending socket. A replay answers with the first message and broadcasts nothing.
 */
import { randomUUID } from 'node:crypto';
import {
  channelRoom,
  type Message,
  MessageDeliveryStatus,
  MessageEvent,
  type MessageSent,
  SendMessagePayload,
} from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { notFound } from '../errors';
import { requireMember } from '../membership';
import { handle } from './handle';
import type { KeyedMutex } from './keyed-mutex';
import type { MessageRateLimiter } from './rate-limit';
import type { RelaySocket } from './types';
import type { TypingTracker } from './typing';

export interface MessageDeps {
  limiter: MessageRateLimiter;
  sends: KeyedMutex;
  typing: TypingTracker;
}

function sentFields(message: Message): MessageSent {
  const sent: MessageSent = {
    ok: true,
    messageId: message.id,
    channelId: message.channelId,
    status: MessageDeliveryStatus.SENT,
    seq: message.seq,
    createdAt: message.createdAt,
  };
  if (message.clientMessageId !== undefined) sent.clientMessageId = message.clientMessageId;
  return sent;
}

export function registerMessageHandlers(ctx: ServerContext, deps: MessageDeps, socket: RelaySocket): void {
  const { store, logger } = ctx;
  const { userId } = socket.data;

  async function send(payload: SendMessagePayload): Promise<Message> {
    const { channelId, clientMessageId, parentId } = payload;
    if (clientMessageId !== undefined) {
      const first = await store.findByClientMessageId(userId, clientMessageId);
      if (first) {
        logger.debug({ event: 'replay', userId, messageId: first.id }, 'replay answered');
        return first;
      }
    }
    await requireMember(store, channelId, userId);
    if (parentId !== undefined) {
      const parent = await store.getMessage(parentId);
      if (!parent || parent.channelId !== channelId) throw notFound('Parent message');
    }
    await deps.limiter.consume(userId);
    const { message, created } = await store.insertMessage({
      id: randomUUID(),
      channelId,
      userId,
      parentId,
      content: payload.content,
      clientMessageId,
      createdAt: new Date().toISOString(),
    });
    // Broadcast straight after the insert, with no await between, so rooms see messages in seq order.
    if (created) {
      socket.to(channelRoom(channelId)).emit(MessageEvent.NEW, message);
      // Whoever sent has stopped typing there.
      deps.typing.stop(userId, channelId);
      logger.debug(
        { event: 'message', userId, channelId, messageId: message.id, seq: message.seq },
        'stored',
      );
    }
    return message;
  }

  handle(socket, logger, MessageEvent.SEND, SendMessagePayload, async (payload) => {
    const message =
      payload.clientMessageId === undefined
        ? await send(payload)
        : await deps.sends.run(`${userId}:${payload.clientMessageId}`, () => send(payload));
    const sent = sentFields(message);
    socket.emit(MessageEvent.SENT, sent);
    return sent;
  });
}
