/**
 * Resending from the gap (order by construction, interface.md). The server answered OUT_OF_ORDER with
 * the number it expects next in a channel; once nothing of that channel is in flight, its pending
 * messages are numbered from there, in their order, and the pump sends them again from the head.
 *
 * Usually that changes nothing: the refused message already carries the expected number, and the ones
 * behind it follow. It matters when the numbers and the server disagree: a message refused for good
 * before a crash recorded it (the server used its number up), one discarded or expired unsent (its number
 * was never used). Renumbering is always safe: a message the server stored is answered as a replay
 * whatever its number, and one it refused for good is refused again.
 */
import type { LocalStore } from '../store/store';

export function resendFromGap(store: LocalStore, channelId: string, lane: { gap?: number }): void {
  const from = lane.gap;
  lane.gap = undefined;
  if (from !== undefined) store.renumberPending(channelId, from);
}
