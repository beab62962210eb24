/**
 * Presence from the sockets: connect and disconnect, and `presence:set` {presence} when the app goes idle
 * or back (limited per socket by the gate and per user here: PRESENCE_LIMIT).
 */
import { PresenceSetPayload, type SimpleAck, WorkspaceEvent } from '../../src-shared/protocol';
import type { EventLimit } from '../limits/event-limit';
import type { PresenceTracker } from '../workspace/presence';
import { type Route, route } from './handle';

/** `presence:set`; connects and disconnects reach the tracker from the connection itself (index.ts). */
export function presenceRoutes(presence: PresenceTracker, limit: EventLimit): [string, Route][] {
  return [
    route(WorkspaceEvent.PRESENCE_SET, PresenceSetPayload, async (socket, payload): Promise<SimpleAck> => {
      const { userId } = socket.data;
      await limit.consume(userId);
      presence.set(userId, payload.presence);
      return { ok: true };
    }),
  ];
}
