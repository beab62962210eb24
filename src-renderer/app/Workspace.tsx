import { type MouseEvent, Suspense, useState } from 'react';
import type { ChannelView } from '../../src-shared/bridge';
import { ChannelList, useDmPresence } from '../channels/ChannelList';
import { ConnectionStatus } from '../channels/ConnectionStatus';
import { conversationLabel } from '../channels/conversation-label';
import { NotifySetting } from '../channels/NotifySetting';
import { Composer } from '../composer/Composer';
import { TypingIndicator } from '../composer/TypingIndicator';
import { PendingDeletion } from '../messages/ConfirmDelete';
import { MessageList } from '../messages/MessageList';
import { OfflineBanner } from '../outbox/OfflineBanner';
import { SearchLauncher } from '../search/SearchLauncher';
import { useApp, useAppStore } from '../store/context';
import { ChannelMenu } from '../workspace/ChannelMenu';
import { PresenceDot } from '../workspace/PresenceDot';
import { useIdleReport } from '../workspace/use-idle-report';
import { ErrorBoundary, PanelUnavailable } from './ErrorBoundary';
import { lazyComponent } from './lazy';
import { NotificationPrompt } from './NotificationPrompt';
import { focusMainComposer, useKeyboard } from './use-keyboard';
import { useLinkInterceptor } from './use-link-interceptor';
import { useWindowFocus } from './use-window-focus';

// The side panels and settings: their code loads when one first opens, not at start-up.
const ThreadView = lazyComponent(() => import('../thread/ThreadView').then((m) => m.ThreadView));
const MemberList = lazyComponent(() => import('../workspace/MemberList').then((m) => m.MemberList));
const OutboxPanel = lazyComponent(() => import('../outbox/OutboxPanel').then((m) => m.OutboxPanel));
const SettingsPanel = lazyComponent(() => import('./SettingsPanel').then((m) => m.SettingsPanel));

export function Workspace() {
  useWindowFocus();
  useIdleReport();
  useKeyboard();
  useLinkInterceptor();
  const openThread = useApp((s) => s.openThread);
  const outboxOpen = useApp((s) => s.outboxOpen);
  const store = useAppStore();
  const activeChannelId = useApp((s) => s.activeChannelId);
  const membersOf = useApp((s) =>
    s.membersOpen ? s.channels.find((c) => c.id === s.activeChannelId) : undefined,
  );
  const panelOpen = openThread !== null || outboxOpen || membersOf !== undefined;
  // Each panel fails alone: the others stay usable (and opening another channel or thread retries).
  return (
    <div className={`workspace${panelOpen ? ' panel-open' : ''}`}>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is a link by convention; the click focuses the composer without touching the URL's hash */}
      <a className="skip-link" href="#composer" onClick={skipToComposer}>
        Skip to message composer
      </a>
      <ErrorBoundary fallback={(retry) => <PanelUnavailable name="channel list" retry={retry} />}>
        <Sidebar />
      </ErrorBoundary>
      <ErrorBoundary
        resetKey={activeChannelId}
        fallback={(retry) => <PanelUnavailable name="channel" retry={retry} />}
      >
        <ChannelPane />
      </ErrorBoundary>
      {panelOpen && (
        // Below 1000 px the panels cover the channel: this dims it, and a click on it closes them.
        <div
          className="panel-backdrop"
          aria-hidden="true"
          onClick={() => {
            store.getState().closeThread();
            store.getState().setOutboxOpen(false);
            store.getState().setMembersOpen(false);
          }}
        />
      )}
      {openThread && (
        <ErrorBoundary
          resetKey={openThread.parentId}
          fallback={(retry) => <PanelUnavailable name="thread" retry={retry} />}
        >
          <Suspense fallback={null}>
            <ThreadView channelId={openThread.channelId} parentId={openThread.parentId} />
          </Suspense>
        </ErrorBoundary>
      )}
      {membersOf && !openThread && (
        <ErrorBoundary fallback={(retry) => <PanelUnavailable name="member list" retry={retry} />}>
          <Suspense fallback={null}>
            <MemberList channel={membersOf} />
          </Suspense>
        </ErrorBoundary>
      )}
      {outboxOpen && (
        <ErrorBoundary fallback={(retry) => <PanelUnavailable name="outbox" retry={retry} />}>
          <Suspense fallback={null}>
            <OutboxPanel />
          </Suspense>
        </ErrorBoundary>
      )}
      <PendingDeletion />
    </div>
  );
}

function skipToComposer(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  focusMainComposer();
}

function Sidebar() {
  const store = useAppStore();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const user = useApp((s) => s.session?.user);
  const waiting = useApp((s) => s.outboxCounts.sending + s.outboxCounts.failed);
  const failed = useApp((s) => s.outboxCounts.failed);
  return (
    <aside className="sidebar">
      <header className="sidebar-header">
        <span className="workspace-name">Relay</span>
        <ConnectionStatus />
      </header>
      <ChannelList />
      <NotificationPrompt />
      {settingsOpen && (
        <Suspense fallback={null}>
          <SettingsPanel />
        </Suspense>
      )}
      <footer className="sidebar-footer">
        <button
          type="button"
          className={`outbox-button${failed > 0 ? ' has-failed' : ''}`}
          onClick={() => store.getState().setOutboxOpen(!store.getState().outboxOpen)}
        >
          Outbox{waiting > 0 ? ` (${waiting})` : ''}
        </button>
        <span className="current-user" title="Signed in">
          {user?.name}
        </span>
        <button
          type="button"
          className="link-button"
          aria-expanded={settingsOpen}
          onClick={() => setSettingsOpen((open) => !open)}
        >
          Settings
        </button>
        <button type="button" className="link-button" onClick={() => void store.getState().signOut()}>
          Sign out
        </button>
      </footer>
    </aside>
  );
}

function ChannelPane() {
  const channel = useApp((s) => s.channels.find((c) => c.id === s.activeChannelId));
  if (!channel) {
    return (
      <main className="channel-pane empty">
        <OfflineBanner />
        <p className="list-note">Pick a channel to start.</p>
      </main>
    );
  }
  return <OpenChannel channel={channel} />;
}

function OpenChannel({ channel }: { channel: ChannelView }) {
  const presence = useDmPresence(channel);
  const dm = channel.kind === 'dm';
  const label = conversationLabel(channel);
  return (
    <main className="channel-pane" aria-label={label}>
      <header className="pane-header">
        <h1>
          {presence && <PresenceDot presence={presence} />}
          {dm ? channel.name : `${channel.private ? '🔒' : '#'} ${channel.name}`}
        </h1>
        <span className="pane-subtitle">
          {channel.members.length === 1 ? '1 member' : `${channel.members.length} members`}
          {channel.topic ? ` · ${channel.topic}` : ''}
        </span>
        <span className="pane-tools">
          <NotifySetting channel={channel} />
          <SearchLauncher />
          <ChannelMenu channel={channel} />
        </span>
      </header>
      <OfflineBanner />
      <MessageList key={channel.id} channel={channel} />
      <TypingIndicator channelId={channel.id} />
      {channel.archived ? (
        <p className="archived-note" role="status">
          #{channel.name} is archived: its messages stay readable, nobody can write in it.
        </p>
      ) : (
        <Composer channelId={channel.id} channelLabel={label} autoFocus />
      )}
    </main>
  );
}
