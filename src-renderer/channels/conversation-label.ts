import type { ChannelView } from '../../src-shared/bridge';

/**
 * How a conversation is named in running text (the composer, the list's label, an empty channel, a
 * thread's subtitle, the outbox): a channel as `#name`, a direct message by its people (its name as the
 * core titles it), never `#Alice`.
 */
export function conversationLabel(channel: Pick<ChannelView, 'kind' | 'name'>): string {
  return channel.kind === 'dm' ? channel.name : `#${channel.name}`;
}

/** Who will read what is written in an empty conversation: its hint says so. */
export function conversationAudience(channel: Pick<ChannelView, 'kind'>): string {
  return channel.kind === 'dm' ? 'only the people in this conversation' : 'everyone in the channel';
}
