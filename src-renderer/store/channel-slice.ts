import type { ChannelSlice, SliceContext } from './types';

export function createChannelSlice({ set, get, relay }: SliceContext): ChannelSlice {
  return {
    channels: [],
    activeChannelId: null,
    unreadTotal: 0,

    async loadChannels() {
      const result = await relay.listChannels(undefined);
      if (!result.ok) return get().showError(result.error);
      get().onChannels(result.value);
    },

    async selectChannel(channelId) {
      const state = get();
      if (state.activeChannelId !== channelId) {
        // Notifications about the channel now on screen have said what they had to say.
        const toasts = state.toasts.filter((t) => t.target?.channelId !== channelId);
        set({ activeChannelId: channelId, toasts });
        if (state.openThread && state.openThread.channelId !== channelId) get().closeThread();
        const told = await relay.setActiveChannel({ channelId });
        if (!told.ok) get().showError(told.error);
      }
      if (!get().histories[channelId]) await get().loadNewest(channelId);
      if (get().activeChannelId === channelId) get().markReadIfLooking(true);
    },

    moveChannel(delta) {
      const { channels, activeChannelId } = get();
      if (channels.length === 0) return;
      const at = channels.findIndex((c) => c.id === activeChannelId);
      const next = channels[(at + delta + channels.length) % channels.length];
      if (next) void get().selectChannel(next.id);
    },

    async setMuted(channelId, muted) {
      const result = await relay.setMuted({ channelId, muted });
      if (!result.ok) return get().showError(result.error);
      set((state) => ({ channels: state.channels.map((c) => (c.id === channelId ? result.value : c)) }));
    },

    onChannels(channels) {
      const unreadTotal = channels.reduce((sum, c) => sum + (c.muted ? 0 : c.unreadCount), 0);
      set({ channels, unreadTotal });
      const active = get().activeChannelId;
      if (!active || !channels.some((c) => c.id === active)) {
        const first = channels[0];
        if (first) void get().selectChannel(first.id);
        else set({ activeChannelId: null });
      } else {
        get().markReadIfLooking();
      }
    },

    onUnread(channelId, unreadCount, total) {
      set((state) => ({
        unreadTotal: total,
        channels: state.channels.map((c) => (c.id === channelId ? { ...c, unreadCount } : c)),
      }));
      get().markReadIfLooking();
    },
  };
}
