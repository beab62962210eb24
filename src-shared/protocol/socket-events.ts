/**
 * Socket.IO's typed event maps, derived from the schemas: `Server<ClientToServerEvents,
 * ServerToClientEvents>` on the server, `Socket<ServerToClientEvents, ClientToServerEvents>` in main.
 * The server still parses every inbound payload: these types describe well-behaved peers only.
 */
import type {
  ChangeAck,
  DeleteMessagePayload,
  EditMessagePayload,
  MessageDeletedEvent,
  MessageUpdatedEvent,
  ReactionPayload,
  ReactionUpdatedEvent,
} from './changes';
import { ChangeEvent, MessageEvent, RoomEvent, WorkspaceEvent } from './event-names';
import type {
  Message,
  MessageErrorEvent,
  MessageSent,
  ReceiptEvent,
  ReceiptPayload,
  RoomPayload,
  SendAck,
  SendMessagePayload,
  SimpleAck,
  TypingEvent,
  TypingPayload,
} from './schemas';
import type {
  ChannelJoinedEvent,
  ChannelLeftEvent,
  ChannelUpdatedEvent,
  MemberEvent,
  PresenceSetPayload,
  PresenceUpdate,
} from './workspace';

type Ack<T> = (response: T) => void;

export interface ClientToServerEvents {
  [MessageEvent.SEND]: (payload: SendMessagePayload, ack?: Ack<SendAck>) => void;
  [MessageEvent.TYPING_START]: (payload: TypingPayload, ack?: Ack<SimpleAck>) => void;
  [MessageEvent.TYPING_STOP]: (payload: TypingPayload, ack?: Ack<SimpleAck>) => void;
  [MessageEvent.DELIVERED]: (payload: ReceiptPayload, ack?: Ack<SimpleAck>) => void;
  [MessageEvent.READ]: (payload: ReceiptPayload, ack?: Ack<SimpleAck>) => void;
  [RoomEvent.JOIN]: (payload: RoomPayload, ack?: Ack<SimpleAck>) => void;
  [RoomEvent.LEAVE]: (payload: RoomPayload, ack?: Ack<SimpleAck>) => void;
  [WorkspaceEvent.PRESENCE_SET]: (payload: PresenceSetPayload, ack?: Ack<SimpleAck>) => void;
  [ChangeEvent.EDIT]: (payload: EditMessagePayload, ack?: Ack<ChangeAck>) => void;
  [ChangeEvent.DELETE]: (payload: DeleteMessagePayload, ack?: Ack<ChangeAck>) => void;
  [ChangeEvent.REACTION_ADD]: (payload: ReactionPayload, ack?: Ack<ChangeAck>) => void;
  [ChangeEvent.REACTION_REMOVE]: (payload: ReactionPayload, ack?: Ack<ChangeAck>) => void;
}

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
}
