/**
 * Every event name the socket carries, and the rooms events go to, exactly as the protocol document
 * (realtime-messaging.md) and interface.md name them. Everything that crosses the socket refers to
 * these constants, never to string literals. Their payloads' schemas live by feature (schemas.ts,
 * workspace.ts, changes.ts); socket-events.ts types them together for Socket.IO; the statuses and
 * codes the payloads carry are in codes.ts.
 */
export enum MessageEvent {
  // Sending/receiving messages
  SEND = 'message:send',
  NEW = 'message:new',
  SENT = 'message:sent',

  // Typing indicators
  TYPING_START = 'message:typing:start',
  TYPING_STOP = 'message:typing:stop',

  // Delivery status
  DELIVERED = 'message:delivered',
  READ = 'message:read',

  // Error events
  ERROR = 'message:error',
}

/** Room management events (protocol document, "Channel Room Management"). */
export enum RoomEvent {
  JOIN = 'room:join',
  LEAVE = 'room:leave',
}

/** The workspace live (interface.md, "Workspace"): channels, members and presence. */
export enum WorkspaceEvent {
  CHANNEL_JOINED = 'channel:joined',
  CHANNEL_LEFT = 'channel:left',
  CHANNEL_UPDATED = 'channel:updated',
  MEMBER_JOINED = 'member:joined',
  MEMBER_LEFT = 'member:left',
  PRESENCE_UPDATE = 'presence:update',
  /** Client → server: the app says its person is idle (`away`) or back (`online`). */
  PRESENCE_SET = 'presence:set',
}

/** Messages that change (interface.md, "Messages that change"). */
export enum ChangeEvent {
  // Client → server (each with an ack)
  EDIT = 'message:edit',
  DELETE = 'message:delete',
  REACTION_ADD = 'reaction:add',
  REACTION_REMOVE = 'reaction:remove',
  // Server → the channel room
  UPDATED = 'message:updated',
  DELETED = 'message:deleted',
  REACTION_UPDATED = 'reaction:updated',
}

/** Room names (protocol document: `user:{userId}` and `channel:{channelId}`). */
export const userRoom = (userId: string): string => `user:${userId}`;
export const channelRoom = (channelId: string): string => `channel:${channelId}`;
