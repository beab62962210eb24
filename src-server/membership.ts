import { forbidden, notFound } from './errors';
import type { Store } from './store/types';

/** Unknown channel → NOT_FOUND, not a member → FORBIDDEN (the same rule for HTTP and the socket). */
export async function requireMember(store: Store, channelId: string, userId: string): Promise<void> {
  const membership = await store.membership(channelId, userId);
  if (membership === 'no_channel') throw notFound('Channel');
  if (membership === 'not_member') throw forbidden('Not a member of this channel');
}

/** requireMember, and the channel is not archived (archived channels stay readable, refuse sends). */
export async function requireWritable(store: Store, channelId: string, userId: string): Promise<void> {
  const [, channel] = await Promise.all([
    requireMember(store, channelId, userId),
    store.getChannel(channelId),
  ]);
  if (channel?.archived) throw forbidden('The channel is archived');
}
