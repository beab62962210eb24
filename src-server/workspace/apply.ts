/**
 * Applies a workspace change to this instance's own sockets (every instance does it for its sockets:
 * see bus.ts). Room changes come first and synchronously, before anything is awaited, so once the change
 * is applied here no message goes out to a socket that should no longer have it, and every message sent
 * after it reaches a socket that joined.
 */
import {
  type Channel,
  type ChannelInfo,
  channelRoom,
  userRoom,
  type WorkspaceChange,
  WorkspaceEvent,
} from '../../src-shared/protocol';
import type { MembershipCache } from '../membership-cache';
import type { RelayServer } from '../socket/types';
import type { Store } from '../store/types';

export interface ApplyDeps {
  io: RelayServer;
  store: Store;
  /** What `message:send` remembers of who may send where: forgotten first, before anything else. */
  memberships?: MembershipCache;
  /** A presence change of someone connected elsewhere. */
  onPresence?(userId: string, presence: 'online' | 'away' | 'offline'): void;
}

export async function applyChange(
  { io, store, memberships, onPresence }: ApplyDeps,
  change: WorkspaceChange,
): Promise<void> {
  memberships?.forget(change);
  switch (change.type) {
    case 'member': {
      const { channelId, userId } = change;
      const mine = io.local.in(userRoom(userId));
      const room = channelRoom(channelId);
      if (change.joined) {
        mine.socketsJoin(room);
        const channel = await channelOf(store, userId, channelId);
        if (channel) io.local.to(userRoom(userId)).emit(WorkspaceEvent.CHANNEL_JOINED, { channel });
        io.local.to(room).emit(WorkspaceEvent.MEMBER_JOINED, { channelId, userId });
      } else {
        mine.socketsLeave(room);
        io.local.to(userRoom(userId)).emit(WorkspaceEvent.CHANNEL_LEFT, { channelId });
        io.local.to(room).emit(WorkspaceEvent.MEMBER_LEFT, { channelId, userId });
      }
      return;
    }
    case 'channel': {
      const channel = await channelInfo(store, change.channelId);
      if (channel) io.local.to(channelRoom(channel.id)).emit(WorkspaceEvent.CHANNEL_UPDATED, { channel });
      return;
    }
    case 'revoke': {
      // The transport is closed, not the Socket.IO session: the client reconnects by itself and is
      // refused with `token_revoked`, which the app shows as Unauthorized (as at token expiry).
      for (const socket of io.of('/').sockets.values()) {
        if (socket.data.userId === change.userId) socket.conn.close();
      }
      return;
    }
    case 'presence':
      onPresence?.(change.userId, change.presence);
      return;
  }
}

/** The channel as `userId` sees it (with their read position), if they are a member. */
export async function channelOf(
  store: Store,
  userId: string,
  channelId: string,
): Promise<Channel | undefined> {
  return (await store.listChannels(userId)).find((c) => c.id === channelId);
}

/** The channel as every member sees it. */
export async function channelInfo(store: Store, channelId: string): Promise<ChannelInfo | undefined> {
  const [record, members] = await Promise.all([store.getChannel(channelId), store.channelMembers(channelId)]);
  if (!record) return undefined;
  return { ...record, memberIds: members.map((m) => m.id), members };
}
