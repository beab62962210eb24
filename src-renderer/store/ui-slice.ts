import { describeError } from './errors';
import type { SliceContext, UiSlice } from './types';

/** At most this many toasts at once: the oldest goes first. */
const MAX_TOASTS = 4;

export function createUiSlice({ set, get, relay }: SliceContext): UiSlice {
  let nextToastId = 0;
  let markingRead: string | null = null;

  function pushToast(toast: Omit<UiSlice['toasts'][number], 'id'>): void {
    nextToastId += 1;
    const id = nextToastId;
    set((state) => {
      // The same error twice in a row (a burst of failed sends) is one toast, not a stack of them.
      // (Two messages that read alike are still two messages.)
      const last = state.toasts[state.toasts.length - 1];
      const repeated = last?.kind === 'error' && last.title === toast.title && last.detail === toast.detail;
      if (toast.kind === 'error' && repeated) return {};
      // One message notifies once, even if the host hands it over twice.
      const messageId = toast.target?.messageId;
      if (messageId && state.toasts.some((t) => t.target?.messageId === messageId)) return {};
      return { toasts: [...state.toasts, { ...toast, id }].slice(-MAX_TOASTS) };
    });
  }

  return {
    toasts: [],
    focus: {
      focused: typeof document === 'undefined' ? true : document.hasFocus(),
      visible: typeof document === 'undefined' ? true : document.visibilityState === 'visible',
    },
    highlight: null,
    atNewest: true,
    updateReady: null,

    onUpdateReady(version) {
      set({ updateReady: version });
    },

    setAtNewest(atNewest) {
      if (get().atNewest === atNewest) return;
      set({ atNewest });
      void relay.setAtNewest({ atNewest });
      // Scrolled back down to the newest: what is now in view is read.
      if (atNewest) get().markReadIfLooking(true);
    },

    showError(error) {
      pushToast({ kind: 'error', ...describeError(error.code, error.message) });
    },

    showNotification(title, body, target) {
      pushToast(
        target
          ? { kind: 'notification', title, detail: body, target }
          : { kind: 'notification', title, detail: body },
      );
    },

    dismissToast(id) {
      set((state) => ({ toasts: state.toasts.filter((t) => t.id !== id) }));
    },

    setFocus(patch) {
      const previous = get().focus;
      const focus = { ...previous, ...patch };
      if (focus.focused === previous.focused && focus.visible === previous.visible) return;
      set({ focus });
      const looking = focus.focused && focus.visible;
      const wasLooking = previous.focused && previous.visible;
      if (looking !== wasLooking) void relay.setWindowFocused({ focused: looking });
      get().markReadIfLooking(looking && !wasLooking);
    },

    /**
     * The user is looking at the active channel: tell the core it is read (once per burst). Opening
     * a channel, coming back to the window or a page of history landing says so whatever the unread
     * count claims (`always`: it may lag what the core just fetched); other triggers only when the
     * count is above zero, so the core's own `unread` answer cannot start a loop.
     */
    markReadIfLooking(always = false) {
      const { activeChannelId, focus, channels, atNewest } = get();
      if (!activeChannelId || !focus.focused || !focus.visible || !atNewest) return;
      const channel = channels.find((c) => c.id === activeChannelId);
      if (!channel || (!always && channel.unreadCount === 0) || markingRead === activeChannelId) return;
      markingRead = activeChannelId;
      void relay.markRead({ channelId: activeChannelId }).then((result) => {
        markingRead = null;
        if (!result.ok) get().showError(result.error);
      });
    },
  };
}
