import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src-shared/protocol';

export interface SocketData {
  userId: string;
  userName: string;
  /** When the handshake token expires (epoch ms): the connection ends then. */
  tokenExpiresAt: number;
}

// biome-ignore lint/complexity/noBannedTypes: Socket.IO's slot for inter-server events, unused here.
type InterServerEvents = {};

export type RelayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RelaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
