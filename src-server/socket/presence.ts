/**
 * Presence from the sockets: connect and disconnect, and `presence:set` {presence} when the app goes idle
 * or back (limited per socket by the gate and per user here: PRESENCE_LIMIT).
 */
import { PresenceSetPayload, type SimpleAck, WorkspaceEvent } from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import type { EventLimit } from '../limits/event-limit';
import type { PresenceTracker } from '../workspace/presence';
import { handle } from './handle';
import type { RelaySocket } from './types';

export function registerPresenceHandlers(
  ctx: ServerContext,
  presence: PresenceTracker,
  limit: EventLimit,
  socket: RelaySocket,
): void {
  const { userId } = socket.data;
  presence.connected(userId);
  socket.on('disconnect', () => presence.disconnected(userId));
  handle(
    socket,
    ctx.logger,
    WorkspaceEvent.PRESENCE_SET,
    PresenceSetPayload,
    async (payload): Promise<SimpleAck> => {
      await limit.consume(userId);
      presence.set(userId, payload.presence);
      return { ok: true };
    },
  );
}
