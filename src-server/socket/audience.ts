/**
 * Whether a broadcast to a room reaches anyone but the socket it comes from. Socket.IO's adapter encodes
 * a broadcast before it looks for its receivers, so `message:new` to a channel nobody else has open was
 * built and serialised for nobody (bench figure 6: a replay into such a channel, one encode a message).
 * With an adapter shared by several instances (Redis) the other instances' sockets are not known here:
 * there, always yes.
 */
import type { RelayServer, RelaySocket } from './types';

export type Audience = (socket: RelaySocket, room: string) => boolean;

/** Made when the server is created, before any shared adapter replaces its own (in-memory) one. */
export function audienceOf(io: RelayServer): Audience {
  const local = io.of('/').adapter.constructor;
  return (socket, room) => {
    const { adapter } = socket.nsp;
    if (adapter.constructor !== local) return true;
    const members = adapter.rooms.get(room);
    return members !== undefined && (members.size > 1 || !members.has(socket.id));
  };
}
