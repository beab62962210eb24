/**
 * `message:send`: validate, recognise a replay, check membership and the parent, rate-limit, store with
 * the channel's next seq, then ack + `message:sent` to the sender and `message:new` to the channel room
 * except the sending socket. A replay answers with the first message and broadcasts nothing.
 *
 * Order. A client pipelines a channel's sends on one socket (up to its window, 256 in flight), so a channel's seqs must
 * follow arrival order. Each send takes a turn, keyed by (user, channel), the moment it arrives; in its
 * turn it reads the results of its lookups (started on arrival, so a store with round trips answers them
 * in parallel), is rate-limited and queues its insert, and the turn passes on. The store numbers inserts
 * in the order they are queued (store/contract.ts), so seqs follow arrival; and the next send's turn
 * does not wait for this one's commit, so SQLite still commits a whole pipeline in one group.
 *
 * Replays. Copies of one clientMessageId from one user run one at a time (keyed by (user,
 * clientMessageId)): a copy starts once the one before it is stored or refused, so its lookup finds the
 * first, and it is answered as a replay before the rate limit, which it never touches.
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
import { requireWritable } from '../membership';
import { handle } from './handle';
import type { KeyedMutex } from './keyed-mutex';
import type { MessageRateLimiter } from './rate-limit';
import type { RelaySocket } from './types';
import type { TypingTracker } from './typing';

export interface MessageDeps {
  limiter: MessageRateLimiter;
  /** Copies of one message, one at a time: keyed by (user, clientMessageId). */
  replays: KeyedMutex;
  /** A channel's sends, checked and queued in arrival order: keyed by (user, channel). */
  arrivals: KeyedMutex;
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

/** A promise awaited later, or never (after an earlier refusal): its rejection must not go unhandled. */
function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

export function registerMessageHandlers(ctx: ServerContext, deps: MessageDeps, socket: RelaySocket): void {
  const { store, logger } = ctx;
  const { userId } = socket.data;

  /** Must be called in arrival order, synchronously: it takes the send's turn before its first await. */
  async function send(payload: SendMessagePayload): Promise<Message> {
    const { channelId, clientMessageId, parentId } = payload;
    const first = started(
      clientMessageId === undefined
        ? Promise.resolve(undefined)
        : store.findByClientMessageId(userId, clientMessageId),
    );
    const member = started(requireWritable(store, channelId, userId));
    const parent = started(parentId === undefined ? Promise.resolve(undefined) : store.getMessage(parentId));

    // The turn ends once the insert is queued; the message is awaited after it, outside the turn.
    const { stored } = await deps.arrivals.run(`${userId}:${channelId}`, async () => {
      const replayed = await first;
      if (replayed) {
        logger.debug({ event: 'replay', userId, messageId: replayed.id }, 'replay answered');
        return { stored: Promise.resolve(replayed) };
      }
      await member;
      if (parentId !== undefined) {
        const found = await parent;
        if (!found || found.channelId !== channelId) throw notFound('Parent message');
      }
      deps.limiter.consume(userId);
      return { stored: started(insert(payload)) };
    });
    return stored;
  }

  /** Queues the insert now; broadcasts as it resolves, which the store does in seq order. */
  function insert(payload: SendMessagePayload): Promise<Message> {
    const { channelId } = payload;
    return store
      .insertMessage({
        id: randomUUID(),
        channelId,
        userId,
        parentId: payload.parentId,
        content: payload.content,
        clientMessageId: payload.clientMessageId,
        createdAt: new Date().toISOString(),
      })
      .then(({ message, created }) => {
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
      });
  }

  handle(socket, logger, MessageEvent.SEND, SendMessagePayload, async (payload) => {
    // Both paths call `send` synchronously when nothing is ahead of them (see KeyedMutex).
    const message =
      payload.clientMessageId === undefined
        ? await send(payload)
        : await deps.replays.run(`${userId}:${payload.clientMessageId}`, () => send(payload));
    const sent = sentFields(message);
    socket.emit(MessageEvent.SENT, sent);
    return sent;
  });
}
