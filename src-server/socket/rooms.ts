/** `room:join` / `room:leave` {channelId}: membership is checked; joining twice is refused. */
import { channelRoom, RoomEvent, RoomPayload, type SimpleAck } from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { invalid } from '../errors';
import { requireMember } from '../membership';
import { handle } from './handle';
import type { RelaySocket } from './types';

export function registerRoomHandlers(ctx: ServerContext, socket: RelaySocket): void {
  const { store, logger } = ctx;
  const { userId } = socket.data;
  handle(socket, logger, RoomEvent.JOIN, RoomPayload, async ({ channelId }): Promise<SimpleAck> => {
    await requireMember(store, channelId, userId);
    const room = channelRoom(channelId);
    if (socket.rooms.has(room)) throw invalid('Already connected to room');
    await socket.join(room);
    return { ok: true };
  });
  // Leaving a room one is not in changes nothing and is not an error.
  handle(socket, logger, RoomEvent.LEAVE, RoomPayload, async ({ channelId }): Promise<SimpleAck> => {
    await socket.leave(channelRoom(channelId));
    return { ok: true };
  });
}
