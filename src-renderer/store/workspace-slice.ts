/**
 * The workspace (issue 13): people and their presence, and the calls that change channels. A call
 * that gives a channel (create, join, DM) opens it; the core has listed it already (its `channels`
 * event comes first), and if the answer overtook that event the channel is listed here meanwhile.
 * Failures come back as results, for the dialog that asked to show in place.
 */
import type { ChannelView, Result } from '../../src-shared/bridge';
import { sameSession } from './session-slice';
import type { SliceContext, WorkspaceSlice } from './types';

export function createWorkspaceSlice({ set, get, relay }: SliceContext): WorkspaceSlice {
  async function opened(result: Result<ChannelView>): Promise<Result<ChannelView>> {
    if (!result.ok) return result;
    const channel = result.value;
    if (!get().channels.some((c) => c.id === channel.id))
      set((s) => ({ channels: [...s.channels, channel] }));
    await get().selectChannel(channel.id);
    return result;
  }

  return {
    people: [],
    membersOpen: false,

    async loadPeople() {
      const current = sameSession(get);
      const result = await relay.listUsers(undefined);
      if (result.ok && current()) set({ people: result.value });
    },
    onPeople(people) {
      set({ people });
    },
    setMembersOpen(open) {
      set({ membersOpen: open });
    },

    createChannel: async (input) => opened(await relay.createChannel(input)),
    joinChannel: async (channelId) => opened(await relay.joinChannel({ channelId })),
    openDm: async (userIds) => opened(await relay.openDm({ userIds })),
    leaveChannel: (channelId) => relay.leaveChannel({ channelId }),
    updateChannel: (input) => relay.updateChannel(input),
    archiveChannel: (channelId) => relay.archiveChannel({ channelId }),
    addMember: (channelId, userId) => relay.addMember({ channelId, userId }),
  };
}
