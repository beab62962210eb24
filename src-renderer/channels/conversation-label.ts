import type { ChannelView } from '../../src-shared/bridge';

/**
 * How a conversation is named in running text (the composer, the list's label, an empty channel, a
 * thread's subtitle, the outbox): a channel as `#name`, a direct message by its people (its name as the
 * core titles it), never `#Alice`.
 */
export function conversationLabel(channel: Pick<ChannelView, 'kind' | 'name'>): string {
  return channel.kind === 'dm' ? channel.name : `#${channel.name}`;
}
