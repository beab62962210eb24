import type { ChannelView } from '../../src-shared/bridge';
import { useApp, useAppStore } from '../store/context';
import { BellIcon } from './BellIcon';

export function ChannelList() {
  const channels = useApp((s) => s.channels);
  const activeChannelId = useApp((s) => s.activeChannelId);
  return (
    <nav className="channel-nav" aria-label="Channels">
      <h2 className="sidebar-heading">Channels</h2>
      <ul data-testid="channel-list" className="channel-list">
        {channels.map((channel) => (
          <ChannelItem key={channel.id} channel={channel} active={channel.id === activeChannelId} />
        ))}
      </ul>
      {channels.length === 0 && <p className="list-note">You are not in any channel yet.</p>}
    </nav>
  );
}

function ChannelItem({ channel, active }: { channel: ChannelView; active: boolean }) {
  const store = useAppStore();
  const unread = channel.unreadCount;
  const classes = ['channel-item'];
  if (active) classes.push('active');
  if (unread > 0) classes.push('has-unread');
  if (channel.muted) classes.push('muted');
  const mentions = Math.min(channel.mentionCount, unread);
  const unreadLabel =
    unread > 0
      ? `, ${unread} unread${mentions > 0 ? `, ${mentions} ${mentions === 1 ? 'mention' : 'mentions'}` : ''}`
      : '';
  return (
    <li className="channel-row">
      <button
        type="button"
        data-testid="channel-item"
        data-channel-id={channel.id}
        data-unread={unread}
        className={classes.join(' ')}
        aria-current={active ? 'page' : undefined}
        aria-label={`${channel.name}${unreadLabel}${channel.muted ? ', muted' : ''}`}
        onClick={() => void store.getState().selectChannel(channel.id)}
      >
        <span className="channel-name"># {channel.name}</span>
        {mentions > 0 && (
          <span className="mention-badge" data-mentions={mentions} aria-hidden="true">
            @{mentions > 99 ? '99+' : mentions}
          </span>
        )}
        {unread > 0 && (
          <span className="unread-badge" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      <button
        type="button"
        className="mute-button icon-button"
        aria-pressed={channel.muted}
        aria-label={channel.muted ? `Unmute ${channel.name}` : `Mute ${channel.name}`}
        title={channel.muted ? 'Unmute' : 'Mute'}
        onClick={() => void store.getState().setMuted(channel.id, !channel.muted)}
      >
        <BellIcon muted={channel.muted} />
      </button>
    </li>
  );
}
