import { mergeMessages } from './message-list';
import { sameSession } from './session-slice';
import type { SliceContext, ThreadSlice } from './types';

export function createThreadSlice({ set, get, relay }: SliceContext): ThreadSlice {
  return {
    openThread: null,
    threads: {},

    async showThread(channelId, parentId) {
      // The core reads a thread's replies while it is shown (and the window focused).
      if (get().openThread?.parentId !== parentId) void relay.setOpenThread({ parentId });
      set((state) => ({
        openThread: { channelId, parentId },
        threads: {
          ...state.threads,
          [parentId]: state.threads[parentId] ?? { replies: [], status: 'loading' },
        },
      }));
      const current = sameSession(get);
      const result = await relay.listThread({ channelId, parentId });
      if (!current()) return;
      if (!result.ok) {
        set((state) => ({ threads: { ...state.threads, [parentId]: { replies: [], status: 'error' } } }));
        return get().showError(result.error);
      }
      set((state) => {
        const held = state.threads[parentId]?.replies ?? [];
        // Live replies that arrived while the request was out are newer than its answer.
        return {
          threads: {
            ...state.threads,
            [parentId]: { replies: mergeMessages(held, result.value, 'existing'), status: 'ready' },
          },
        };
      });
    },

    closeThread() {
      if (get().openThread) void relay.setOpenThread({ parentId: null });
      set({ openThread: null });
    },
  };
}
