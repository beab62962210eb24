import { sameSession } from './session-slice';
import type { AppState, ChannelSlice, SliceContext } from './types';

/**
 * How long a channel being opened waits for its first page before it shows anyway ("Loading
 * messages…"). The page usually takes one bridge round trip: the channel then shows with its rows in
 * one render, one layout and one frame, at start-up as on a click (figure 7).
 */
export const FIRST_PAGE_WAIT_MS = 100;

/** Settles when `work` does or after `ms`, whichever is first. */
function within(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    // A failed page is the caller's to report (it awaits `work` too, unless its choice gave way or the
    // person signed out meanwhile): settled either way, no rejection here.
    work.then(done, done);
  });
}

export function createChannelSlice({ set, get, relay }: SliceContext): ChannelSlice {
  /** The open channel was chosen by us (not the person) and may give way to the remembered one. */
  let autoPicked = false;
  /** The channel chosen last, while it waits for its first page before it shows. */
  let choosing: string | null = null;
  /** Settles when the channel chosen last is shown (or has given way to a later choice). */
  let switched: Promise<void> = Promise.resolve();

  /** The channel this account had open last time (issue 12), if it is still one of ours. */
  function remembered(): string | undefined {
    const { settings, session, channels } = get();
    const id = session?.user ? settings?.lastChannels?.[session.user.id] : undefined;
    return id && channels.some((c) => c.id === id) ? id : undefined;
  }

  function remember(channelId: string): void {
    const { settings, session } = get();
    const userId = session?.user?.id;
    // Before the settings are known there is nothing to merge into: the choice is written next time.
    if (!settings || !userId || settings.lastChannels?.[userId] === channelId) return;
    void get().updateSettings({ lastChannels: { ...settings.lastChannels, [userId]: channelId } });
  }

  return {
    channels: [],
    activeChannelId: null,
    unreadAtOpen: null,
    unreadTotal: 0,

    async loadChannels() {
      const current = sameSession(get);
      const result = await relay.listChannels(undefined);
      if (!current()) return;
      if (!result.ok) return get().showError(result.error);
      get().onChannels(result.value);
    },

    async selectChannel(channelId, how = 'user') {
      autoPicked = how === 'auto';
      let told: Promise<void> | undefined;
      let page: Promise<void> | undefined;
      if (get().activeChannelId !== channelId || (choosing !== null && choosing !== channelId)) {
        choosing = channelId;
        const count = get().channels.find((c) => c.id === channelId)?.unreadCount ?? 0;
        set({ unreadAtOpen: { channelId, count } });
        // The core hears it before the page is asked for (calls keep their order), but the page does
        // not wait a round trip for its answer.
        told = relay.setActiveChannel({ channelId }).then((result) => {
          if (!result.ok) get().showError(result.error);
        });
        // Awaited below, unless this choice gives way to a later one or the page throws first: a call
        // that throws (a bridge failure, not a Result) is then nobody's, and must not surface unhandled.
        void told.catch(() => {});
        // A channel not held yet shows once its first page is in (or FIRST_PAGE_WAIT_MS went by): one
        // render with its rows, instead of "Loading messages…", its frame, then the rows (figure 7).
        if (!get().histories[channelId]) {
          page = get().loadNewest(channelId);
          const shown = within(page, FIRST_PAGE_WAIT_MS);
          switched = shown;
          await shown;
        }
        // Another channel was chosen meanwhile: that one shows.
        if (choosing !== channelId) return;
        choosing = null;
        // Signed out meanwhile: the signed-out window shows no channel. (A session not known yet, at boot,
        // is no sign-out: the channels come beside it.)
        if (get().session?.signedIn === false) return;
        const state = get();
        // Notifications about the channel now on screen have said what they had to say.
        const toasts = state.toasts.filter((t) => t.target?.channelId !== channelId);
        set({ activeChannelId: channelId, toasts });
        if (state.openThread && state.openThread.channelId !== channelId) get().closeThread();
      }
      if (!autoPicked) remember(channelId);
      if (page) await page;
      else if (!get().histories[channelId]) await get().loadNewest(channelId);
      await told;
      if (get().activeChannelId === channelId) get().markReadIfLooking(true);
    },

    whenChannelShown() {
      return switched;
    },

    restoreLastChannel() {
      const id = remembered();
      if (autoPicked && id && id !== get().activeChannelId) void get().selectChannel(id);
    },

    moveChannel(delta) {
      const { channels, activeChannelId } = get();
      if (channels.length === 0) return;
      // From the channel being opened, if one is: pressed twice, the shortcut moves two channels.
      const at = channels.findIndex((c) => c.id === (choosing ?? activeChannelId));
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
      set({ channels, unreadTotal, ...withoutLeft(get(), channels) });
      // The channel being opened counts as open: a list that comes while it waits for its page (at boot,
      // activeChannelId is still null) must not choose again over it, nor over the person's click.
      const active = choosing ?? get().activeChannelId;
      if (!active || !channels.some((c) => c.id === active)) {
        const pick = remembered() ?? channels[0]?.id;
        if (pick) void get().selectChannel(pick, pick === remembered() ? 'user' : 'auto');
        else set({ activeChannelId: null });
      } else {
        get().markReadIfLooking();
      }
    },

    onUnread(channelId, unreadCount, total, mentionCount = 0) {
      set((state) => ({
        unreadTotal: total,
        channels: state.channels.map((c) =>
          c.id === channelId ? { ...c, unreadCount, mentionCount: Math.min(mentionCount, unreadCount) } : c,
        ),
      }));
      get().markReadIfLooking();
    },
  };
}

/**
 * The pages held of channels no longer listed (left, or removed), dropped: main has dropped their
 * messages too, and a channel joined again is loaded afresh, as it is now, not from the copy shown before
 * the leave. Undefined when every page held is of a listed channel (the usual case: nothing is written).
 */
function withoutLeft(
  state: Pick<AppState, 'histories' | 'threads'>,
  channels: readonly { id: string }[],
): Pick<AppState, 'histories' | 'threads'> | undefined {
  const listed = new Set(channels.map((c) => c.id));
  const left = Object.keys(state.histories).filter((id) => !listed.has(id));
  if (left.length === 0) return undefined;
  const histories = { ...state.histories };
  for (const id of left) delete histories[id];
  const threads = Object.fromEntries(
    Object.entries(state.threads).filter(([, t]) => t.replies.every((r) => listed.has(r.channelId))),
  );
  return { histories, threads };
}
