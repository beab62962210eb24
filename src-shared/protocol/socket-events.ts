/**
 * Socket.IO's typed event maps, derived from the schemas: `Server<ClientToServerEvents,
 * ServerToClientEvents>` on the server, `Socket<ServerToClientEvents, ClientToServerEvents>` in main.
 * The server still parses every inbound payload: these types describe well-behaved peers only.
 */
import type { z } from 'zod';
import type { MessageDeletedEvent, MessageUpdatedEvent, ReactionUpdatedEvent } from './changes';
import type { ClientEvents } from './client-events';
import { ChangeEvent, MessageEvent, RelayEvent, WorkspaceEvent } from './event-names';
import type {
  Message,
  MessageErrorEvent,
  MessageSent,
  ReceiptEvent,
  RelayFeatures,
  TypingEvent,
} from './schemas';
import type {
  ChannelJoinedEvent,
  ChannelLeftEvent,
  ChannelUpdatedEvent,
  MemberEvent,
  PresenceUpdate,
} from './workspace';

type Ack<T> = (response: T) => void;

/** What a client sends: each event of CLIENT_EVENTS with its payload and, optionally, its ack. */
export type ClientToServerEvents = {
  [E in keyof ClientEvents]: (
    payload: z.infer<ClientEvents[E]['payload']>,
    ack?: Ack<z.infer<ClientEvents[E]['ack']>>,
  ) => void;
};

export interface ServerToClientEvents {
  [MessageEvent.NEW]: (message: Message) => void;
  [MessageEvent.SENT]: (sent: MessageSent) => void;
  [MessageEvent.TYPING_START]: (typing: TypingEvent) => void;
  [MessageEvent.TYPING_STOP]: (typing: TypingEvent) => void;
  [MessageEvent.DELIVERED]: (receipt: ReceiptEvent) => void;
  [MessageEvent.READ]: (receipt: ReceiptEvent) => void;
  [MessageEvent.ERROR]: (error: MessageErrorEvent) => void;
  [WorkspaceEvent.CHANNEL_JOINED]: (event: ChannelJoinedEvent) => void;
  [WorkspaceEvent.CHANNEL_LEFT]: (event: ChannelLeftEvent) => void;
  [WorkspaceEvent.CHANNEL_UPDATED]: (event: ChannelUpdatedEvent) => void;
  [WorkspaceEvent.MEMBER_JOINED]: (event: MemberEvent) => void;
  [WorkspaceEvent.MEMBER_LEFT]: (event: MemberEvent) => void;
  [WorkspaceEvent.PRESENCE_UPDATE]: (event: PresenceUpdate) => void;
  [ChangeEvent.UPDATED]: (event: MessageUpdatedEvent) => void;
  [ChangeEvent.DELETED]: (event: MessageDeletedEvent) => void;
  [ChangeEvent.REACTION_UPDATED]: (event: ReactionUpdatedEvent) => void;
  [RelayEvent.FEATURES]: (features: RelayFeatures) => void;
}
