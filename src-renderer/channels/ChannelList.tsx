import { Suspense, useState } from 'react';
import type { ChannelView } from '../../src-shared/bridge';
import { lazyComponent } from '../app/lazy';
import { useApp, useAppStore } from '../store/context';
import { PresenceDot } from '../workspace/PresenceDot';
import { BellIcon } from './BellIcon';

// Dialogs: their code loads when one first opens, not at start-up.
const ChannelBrowser = lazyComponent(() =>
  import('../workspace/ChannelBrowser').then((m) => m.ChannelBrowser),
);
const CreateChannelDialog = lazyComponent(() =>
  import('../workspace/CreateChannelDialog').then((m) => m.CreateChannelDialog),
);
const DmPicker = lazyComponent(() => import('../workspace/DmPicker').then((m) => m.DmPicker));

type Dialog = 'browse' | 'create' | 'dm' | null;

/** The sidebar's lists: Channels, then "Direct messages" (titled by the other people). */
export function ChannelList() {
  const channels = useApp((s) => s.channels);
  const activeChannelId = useApp((s) => s.activeChannelId);
  const [dialog, setDialog] = useState<Dialog>(null);
  const rooms = channels.filter((c) => c.kind !== 'dm');
  const dms = channels.filter((c) => c.kind === 'dm');
  const close = () => setDialog(null);
  return (
    <nav className="channel-nav" aria-label="Channels">
      <div data-testid="channel-list">
        <SectionHeading
          title="Channels"
          actions={[
            { label: 'Browse channels', icon: '⌕', open: () => setDialog('browse') },
            { label: 'Create a channel', icon: '+', open: () => setDialog('create') },
          ]}
        />
        <ul className="channel-list" aria-label="Channels">
          {rooms.map((channel) => (
            <ChannelItem key={channel.id} channel={channel} active={channel.id === activeChannelId} />
          ))}
        </ul>
        {channels.length === 0 && <p className="list-note">You are not in any channel yet.</p>}
        <SectionHeading
          title="Direct messages"
          actions={[{ label: 'New direct message', icon: '+', open: () => setDialog('dm') }]}
        />
        <ul className="channel-list" aria-label="Direct messages">
          {dms.map((channel) => (
            <ChannelItem key={channel.id} channel={channel} active={channel.id === activeChannelId} />
          ))}
        </ul>
      </div>
      <Suspense fallback={null}>
        {dialog === 'browse' && <ChannelBrowser onClose={close} />}
        {dialog === 'create' && <CreateChannelDialog onClose={close} />}
        {dialog === 'dm' && <DmPicker onClose={close} />}
      </Suspense>
    </nav>
  );
}

function SectionHeading({
  title,
  actions,
}: {
  title: string;
  actions: { label: string; icon: string; open(): void }[];
}) {
  return (
    <div className="sidebar-section">
      <h2 className="sidebar-heading">{title}</h2>
      {actions.map((a) => (
        <button
          key={a.label}
          type="button"
          className="icon-button section-action"
          aria-label={a.label}
          title={a.label}
          onClick={a.open}
        >
          {a.icon}
        </button>
      ))}
    </div>
  );
}

function ChannelItem({ channel, active }: { channel: ChannelView; active: boolean }) {
  const store = useAppStore();
  const presence = useDmPresence(channel);
  const unread = channel.unreadCount;
  const classes = ['channel-item'];
  if (active) classes.push('active');
  if (unread > 0) classes.push('has-unread');
  if (channel.muted) classes.push('muted');
  if (channel.archived) classes.push('archived');
  const mentions = Math.min(channel.mentionCount, unread);
  const unreadLabel =
    unread > 0
      ? `, ${unread} unread${mentions > 0 ? `, ${mentions} ${mentions === 1 ? 'mention' : 'mentions'}` : ''}`
      : '';
  const sigil = channel.kind === 'dm' ? '' : channel.private ? '🔒 ' : '# ';
  return (
    <li className="channel-row">
      <button
        type="button"
        data-testid="channel-item"
        data-channel-id={channel.id}
        data-unread={unread}
        data-kind={channel.kind}
        className={classes.join(' ')}
        aria-current={active ? 'page' : undefined}
        aria-label={`${channel.name}${unreadLabel}${channel.muted ? ', muted' : ''}${channel.archived ? ', archived' : ''}`}
        onClick={() => void store.getState().selectChannel(channel.id)}
      >
        <span className="channel-name">
          {presence && <PresenceDot presence={presence} />}
          {sigil}
          {channel.name}
        </span>
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

/** A one-to-one DM shows the other person's presence; channels and group DMs show none. */
export function useDmPresence(channel: ChannelView) {
  const selfId = useApp((s) => s.session?.user?.id);
  const others = channel.kind === 'dm' ? channel.members.filter((m) => m.id !== selfId) : [];
  const otherId = others.length === 1 ? others[0]?.id : undefined;
  return useApp((s) =>
    otherId ? (s.people.find((p) => p.id === otherId)?.presence ?? 'offline') : undefined,
  );
}
