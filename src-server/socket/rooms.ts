/** `room:join` / `room:leave` {channelId}: membership is checked; joining twice is refused. */
import { channelRoom, RoomEvent, RoomPayload, type SimpleAck } from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { invalid } from '../errors';
import { requireMember } from '../membership';
import { type Route, route } from './handle';

export function roomRoutes(ctx: ServerContext): [string, Route][] {
  const { store } = ctx;
  const join = route(RoomEvent.JOIN, RoomPayload, async (socket, { channelId }): Promise<SimpleAck> => {
    await requireMember(store, channelId, socket.data.userId);
    const room = channelRoom(channelId);
    if (socket.rooms.has(room)) throw invalid('Already connected to room');
    await socket.join(room);
    return { ok: true };
  });
  // Leaving a room one is not in changes nothing and is not an error.
  const leave = route(RoomEvent.LEAVE, RoomPayload, async (socket, { channelId }): Promise<SimpleAck> => {
    await socket.leave(channelRoom(channelId));
    return { ok: true };
  });
  return [join, leave];
}
