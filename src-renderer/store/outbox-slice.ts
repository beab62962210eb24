import type { OutboxSlice, SliceContext } from './types';

export function createOutboxSlice({ set, get, relay, showRefusal }: SliceContext): OutboxSlice {
  return {
    outboxCounts: { sending: 0, failed: 0 },
    outbox: [],
    outboxOpen: false,

    async refreshOutbox() {
      const result = await relay.listOutbox(undefined);
      if (!result.ok) return get().showError(result.error);
      const failed = result.value.filter((item) => item.status === 'Failed').length;
      set({ outbox: result.value, outboxCounts: { sending: result.value.length - failed, failed } });
    },

    setOutboxOpen(open) {
      set({ outboxOpen: open });
      if (open) void get().refreshOutbox();
    },

    async retryAll() {
      showRefusal(await relay.retryAll(undefined));
      await get().refreshOutbox();
    },

    async discardAllFailed() {
      showRefusal(await relay.discardAllFailed(undefined));
      await get().refreshOutbox();
    },

    onOutbox(sending, failed) {
      set({ outboxCounts: { sending, failed } });
      if (get().outboxOpen) void get().refreshOutbox();
    },
  };
}
