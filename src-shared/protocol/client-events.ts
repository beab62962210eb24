/**
 * Every event a client sends, with the schema of its payload and of its ack, grouped by the ack it
 * gets: the one table Socket.IO's `ClientToServerEvents` (socket-events.ts) is derived from, and that
 * the server's fuzzing walks. The server still parses every payload in its handler.
 */
import type { z } from 'zod';
import { ChangeAck, DeleteMessagePayload, EditMessagePayload, ReactionPayload } from './changes';
import { ChangeEvent, MessageEvent, RelayEvent, RoomEvent, WorkspaceEvent } from './event-names';
import {
  ReceiptPayload,
  RoomPayload,
  SendAck,
  SendBatchAck,
  SendBatchPayload,
  SendMessagePayload,
  SimpleAck,
  TypingPayload,
} from './schemas';
import { PresenceSetPayload } from './workspace';

interface ClientEvent<P extends z.ZodType, A extends z.ZodType> {
  payload: P;
  ack: A;
}

/** Events whose payloads (by event name) share one kind of ack. */
function acked<A extends z.ZodType, T extends Record<string, z.ZodType>>(
  ack: A,
  payloads: T,
): { [E in keyof T]: ClientEvent<T[E], A> } {
  return Object.fromEntries(
    Object.entries(payloads).map(([event, payload]) => [event, { payload, ack }]),
  ) as { [E in keyof T]: ClientEvent<T[E], A> };
}

export const CLIENT_EVENTS = {
  ...acked(SendAck, { [MessageEvent.SEND]: SendMessagePayload }),
  // An addition (RelayEvent): sent only to a server that announced it.
  ...acked(SendBatchAck, { [RelayEvent.SEND_BATCH]: SendBatchPayload }),
  ...acked(SimpleAck, {
    [MessageEvent.TYPING_START]: TypingPayload,
    [MessageEvent.TYPING_STOP]: TypingPayload,
    [MessageEvent.DELIVERED]: ReceiptPayload,
    [MessageEvent.READ]: ReceiptPayload,
    [RoomEvent.JOIN]: RoomPayload,
    [RoomEvent.LEAVE]: RoomPayload,
    [WorkspaceEvent.PRESENCE_SET]: PresenceSetPayload,
  }),
  // Messages that change: answered with the change's seq, or a refusal.
  ...acked(ChangeAck, {
    [ChangeEvent.EDIT]: EditMessagePayload,
    [ChangeEvent.DELETE]: DeleteMessagePayload,
    [ChangeEvent.REACTION_ADD]: ReactionPayload,
    [ChangeEvent.REACTION_REMOVE]: ReactionPayload,
  }),
};

export type ClientEvents = typeof CLIENT_EVENTS;
