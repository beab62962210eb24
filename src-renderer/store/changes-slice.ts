import type { MessageView } from '../../src-shared/bridge';
import type { ChangesSlice, SliceContext } from './types';

/**
 * Changing messages (issue 14): which one is being edited in place or is about to be deleted, and
 * the calls that queue the change. The core shows a change at once (`pendingChange`, a reaction's
 * `pending`) and emits the message as now shown (messageUpserted), so the lists update from that
 * event alone; these only say what was asked, and show an error when the core refuses.
 */
export function createChangesSlice({ set, get, relay, showRefusal }: SliceContext): ChangesSlice {
  /** Our own messages that can still change: not deleted, and not a send that failed. */
  const changeable = (m: MessageView) => m.own && !m.deleted;

  return {
    editing: null,
    deleting: null,

    startEditing(message, via = 'row') {
      if (!changeable(message)) return;
      set({ editing: { channelId: message.channelId, key: message.key, via } });
    },

    stopEditing() {
      set({ editing: null });
    },

    editLastOwn(channelId, parentId) {
      const state = get();
      const list = parentId ? state.threads[parentId]?.replies : state.histories[channelId]?.messages;
      const last = list?.findLast(changeable);
      if (!last) return false;
      get().startEditing(last, 'composer');
      return true;
    },

    async saveEdit(message, content) {
      set({ editing: null });
      if (content === message.content) return;
      showRefusal(await relay.editMessage({ channelId: message.channelId, key: message.key, content }));
    },

    askDelete(message) {
      if (message.deleted) return;
      set({ deleting: message, editing: null });
    },

    cancelDelete() {
      set({ deleting: null });
    },

    async confirmDelete() {
      const message = get().deleting;
      if (!message) return;
      const result = await relay.deleteMessage({ channelId: message.channelId, key: message.key });
      // Closed once the tombstone is shown (the core emits it before answering), so focus moves
      // from the dialog to the row, not to a toolbar button that is no longer there.
      set({ deleting: null });
      if (!result.ok) get().showError(result.error);
    },

    async toggleReaction(message, emoji, mine) {
      const input = { channelId: message.channelId, key: message.key, emoji };
      showRefusal(mine ? await relay.removeReaction(input) : await relay.addReaction(input));
    },

    async retryChange(opId) {
      showRefusal(await relay.retryChange({ opId }));
    },

    async discardChange(opId) {
      showRefusal(await relay.discardChange({ opId }));
    },

    async setChannelPreferences(channelId, patch) {
      const result = await relay.setChannelPreferences({ channelId, ...patch });
      if (!result.ok) return get().showError(result.error);
      const { notify, muted } = result.value;
      set((state) => ({
        channels: state.channels.map((c) => (c.id === channelId ? { ...c, notify, muted } : c)),
      }));
    },
  };
}
