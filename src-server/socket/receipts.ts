/**
 * `message:delivered` / `message:read`: stored per recipient, monotonic and idempotent, and forwarded to
 * `user:{authorId}` only when the status went up. The event name decides the status.
 */
import {
  MessageDeliveryStatus,
  MessageEvent,
  type ReceiptEvent,
  ReceiptPayload,
  type SimpleAck,
  userRoom,
} from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { notFound } from '../errors';
import type { EventLimit } from '../limits/event-limit';
import { requireMember } from '../membership';
import type { ReceiptStatus } from '../store/types';
import { type Route, route } from './handle';
import type { ReceiptWrites } from './receipt-writes';
import type { RelayServer } from './types';

const RECEIPTS: [typeof MessageEvent.DELIVERED | typeof MessageEvent.READ, ReceiptStatus][] = [
  [MessageEvent.DELIVERED, MessageDeliveryStatus.DELIVERED],
  [MessageEvent.READ, MessageDeliveryStatus.READ],
];

const eventFor = (status: ReceiptStatus) =>
  status === MessageDeliveryStatus.READ ? MessageEvent.READ : MessageEvent.DELIVERED;

export function receiptRoutes(
  ctx: ServerContext,
  io: RelayServer,
  limit: EventLimit,
  writes: ReceiptWrites,
): [string, Route][] {
  const { store } = ctx;
  return RECEIPTS.map(([event, status]) =>
    route(event, ReceiptPayload, async (socket, { messageId, channelId }): Promise<SimpleAck> => {
      const { userId } = socket.data;
      // Before any read or write: a flood of (duplicate) receipts must not fill the writer's queue.
      await limit.consume(userId);
      await requireMember(store, channelId, userId);
      const message = await store.getMessage(messageId);
      if (!message || message.channelId !== channelId) throw notFound('Message');
      // The author's own devices report their own messages too: nothing to record.
      if (message.userId === userId) return { ok: true };
      // Duplicates (a catch-up's repeats, a flood) are answered without queueing a write: receipt-writes.ts.
      const result = await writes.record(messageId, userId, status, new Date().toISOString());
      if (result.changed) {
        const receipt: ReceiptEvent = { messageId, channelId, status: result.status, userId, at: result.at };
        io.to(userRoom(message.userId)).emit(eventFor(result.status), receipt);
      }
      return { ok: true };
    }),
  );
}
