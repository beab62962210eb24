/**
 * Socket.IO's typed event maps, derived from the schemas: `Server<ClientToServerEvents,
 * ServerToClientEvents>` on the server, `Socket<ServerToClientEvents, ClientToServerEvents>` in main.
 * The server still parses every inbound payload: these types describe well-behaved peers only.
 */
import { MessageEvent, RoomEvent } from './events';
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

type Ack<T> = (response: T) => void;

export interface ClientToServerEvents {
  [MessageEvent.SEND]: (payload: SendMessagePayload, ack?: Ack<SendAck>) => void;
  [MessageEvent.TYPING_START]: (payload: TypingPayload, ack?: Ack<SimpleAck>) => void;
  [MessageEvent.TYPING_STOP]: (payload: TypingPayload, ack?: Ack<SimpleAck>) => void;
  [MessageEvent.DELIVERED]: (payload: ReceiptPayload, ack?: Ack<SimpleAck>) => void;
  [MessageEvent.READ]: (payload: ReceiptPayload, ack?: Ack<SimpleAck>) => void;
  [RoomEvent.JOIN]: (payload: RoomPayload, ack?: Ack<SimpleAck>) => void;
  [RoomEvent.LEAVE]: (payload: RoomPayload, ack?: Ack<SimpleAck>) => void;
}

export interface ServerToClientEvents {
  [MessageEvent.NEW]: (message: Message) => void;
  [MessageEvent.SENT]: (sent: MessageSent) => void;
  [MessageEvent.TYPING_START]: (typing: TypingEvent) => void;
  [MessageEvent.TYPING_STOP]: (typing: TypingEvent) => void;
  [MessageEvent.DELIVERED]: (receipt: ReceiptEvent) => void;
  [MessageEvent.READ]: (receipt: ReceiptEvent) => void;
  [MessageEvent.ERROR]: (error: MessageErrorEvent) => void;
}
