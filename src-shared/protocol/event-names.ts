/**
 * Every event name the socket carries, and the rooms events go to, exactly as the protocol document
 * (realtime-messaging.md) and interface.md name them. Everything that crosses the socket refers to
 * these constants, never to string literals. Their payloads' schemas live by feature (schemas.ts,
 * workspace.ts, changes.ts); socket-events.ts types them together for Socket.IO; the statuses and
 * codes the payloads carry are in codes.ts. Each table is its list of names as the wire carries them;
 * the constant names are derived (name-table.ts): within a table, the prefix it names is dropped
 * (`MessageEvent.TYPING_START` is `'message:typing:start'`, `ChangeEvent.REACTION_ADD` is
 * `'reaction:add'`, `WorkspaceEvent.PRESENCE_SET` is `'presence:set'`).
 */
import { type NameOf, nameTable } from './name-table';

export const MessageEvent = nameTable(
  [
    // Sending/receiving messages
    'message:send',
    'message:new',
    'message:sent',
    // Typing indicators
    'message:typing:start',
    'message:typing:stop',
    // Delivery status
    'message:delivered',
    'message:read',
    // Error events
    'message:error',
  ],
  'message:',
);
export type MessageEvent = NameOf<typeof MessageEvent>;

/** Room management events (protocol document, "Channel Room Management"): `RoomEvent.JOIN` and `LEAVE`. */
export const RoomEvent = nameTable(['room:join', 'room:leave'], 'room:');
export type RoomEvent = NameOf<typeof RoomEvent>;

/** The workspace live (interface.md, "Workspace"): channels, members and presence. */
export const WorkspaceEvent = nameTable([
  'channel:joined',
  'channel:left',
  'channel:updated',
  'member:joined',
  'member:left',
  'presence:update',
  /** Client → server: the app says its person is idle (`away`) or back (`online`). */
  'presence:set',
]);
export type WorkspaceEvent = NameOf<typeof WorkspaceEvent>;

/** Messages that change (interface.md, "Messages that change"). */
export const ChangeEvent = nameTable(
  [
    // Client → server (each with an ack)
    'message:edit',
    'message:delete',
    'reaction:add',
    'reaction:remove',
    // Server → the channel room
    'message:updated',
    'message:deleted',
    'reaction:updated',
  ],
  'message:',
);
export type ChangeEvent = NameOf<typeof ChangeEvent>;

/**
 * This server's own additions, beyond interface.md (README.md, "Protocol additions (server)"). A client
 * uses one only once the server said it can: `relay:features`, sent to each socket as it connects.
 * `RelayEvent.FEATURES` and `RelayEvent.SEND_BATCH` (`message:send:batch`).
 */
export const RelayEvent = Object.freeze({
  FEATURES: 'relay:features',
  SEND_BATCH: 'message:send:batch',
} as const);
export type RelayEvent = NameOf<typeof RelayEvent>;

/** Room names (protocol document: `user:{userId}` and `channel:{channelId}`). */
export const userRoom = (userId: string): string => `user:${userId}`;
export const channelRoom = (channelId: string): string => `channel:${channelId}`;
