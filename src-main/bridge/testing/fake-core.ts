/**
 * A small stand-in for the core, for the bridge's and the shells' tests: every call answers something
 * valid under the contract, records what it received, and events can be emitted by hand.
 */
import { randomUUID } from 'node:crypto';
import type {
  CallHandlers,
  EventName,
  EventPayload,
  MessageView,
  SessionView,
  Settings,
} from '../../../src-shared/bridge';
import { DEFAULT_SETTINGS } from '../../../src-shared/bridge';
import { messageView } from '../../../src-shared/testing/messages';
import { createMemorySettingsStore } from '../../core/node-ports';

export type FakeCore = {
  handlers: CallHandlers;
  received: { name: string; args: unknown }[];
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  listenerCount(): number;
};

export function createFakeCore(overrides: Partial<CallHandlers> = {}): FakeCore {
  const received: FakeCore['received'] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const me = { id: randomUUID(), name: 'alice' };
  let settings: Settings = { ...DEFAULT_SETTINGS };
  let session: SessionView = { signedIn: false, serverUrl: settings.serverUrl, connection: 'offline' };

  const message = (channelId: string, content: string): MessageView =>
    messageView({
      key: randomUUID(),
      id: undefined,
      clientMessageId: randomUUID(),
      channelId,
      author: me,
      content,
      own: true,
      status: 'Sending',
    });

  const channel = (channelId: string, muted = false) => ({
    id: channelId,
    name: 'general',
    members: [me],
    unreadCount: 0,
    mentionCount: 0,
    muted,
    notify: 'all' as const,
    lastSeq: 0,
    kind: 'channel' as const,
    private: false,
    topic: '',
    archived: false,
  });

  const base: CallHandlers = {
    getSession: () => session,
    signIn: ({ serverUrl }) => {
      session = { signedIn: true, user: me, serverUrl, connection: 'connecting' };
      return session;
    },
    signOut: () => {
      session = { signedIn: false, serverUrl: session.serverUrl, connection: 'offline' };
      return session;
    },
    listChannels: () => [],
    setActiveChannel: () => undefined,
    setWindowFocused: () => undefined,
    setOpenThread: () => undefined,
    setAtNewest: () => undefined,
    markRead: () => undefined,
    setMuted: ({ channelId, muted }) => channel(channelId, muted),
    redeemInvite: () => session,
    listUsers: () => [],
    browseChannels: () => [],
    createChannel: () => channel(randomUUID()),
    joinChannel: ({ channelId }) => channel(channelId),
    leaveChannel: () => undefined,
    addMember: ({ channelId }) => channel(channelId),
    updateChannel: ({ channelId }) => channel(channelId),
    archiveChannel: ({ channelId }) => channel(channelId),
    openDm: () => channel(randomUUID()),
    listMembers: () => [],
    setIdle: () => undefined,
    listMessages: () => ({ messages: [], hasMore: false }),
    listThread: () => [],
    sendMessage: ({ channelId, content }) => message(channelId, content),
    retryMessage: () => undefined,
    discardMessage: () => undefined,
    retryAll: () => 0,
    discardAllFailed: () => 0,
    listOutbox: () => [],
    beginAttachment: () => ({ attachmentId: randomUUID() }),
    appendAttachment: () => undefined,
    cancelUpload: () => undefined,
    pickFiles: () => null,
    editMessage: ({ channelId, content }) => message(channelId, content),
    deleteMessage: ({ channelId }) => ({ ...message(channelId, ''), deleted: true }),
    addReaction: ({ channelId }) => message(channelId, 'reacted'),
    removeReaction: ({ channelId }) => message(channelId, 'unreacted'),
    retryChange: () => undefined,
    discardChange: () => undefined,
    searchMessages: () => ({ results: [], offline: false }),
    getChannelPreferences: () => ({ notify: 'all', muted: false }),
    setChannelPreferences: ({ notify, muted }) => ({ notify: notify ?? 'all', muted: muted ?? false }),
    setTyping: () => undefined,
    getDraft: () => '',
    setDraft: () => undefined,
    getSettings: () => settings,
    // As the real settings store does: a field given as undefined leaves the setting as it was.
    updateSettings: (patch) => {
      settings = createMemorySettingsStore(settings).set(patch);
      return settings;
    },
    openLink: () => undefined,
    restartToUpdate: () => false,
  };

  const handlers = {} as Record<string, (args: unknown) => unknown>;
  for (const [name, handler] of Object.entries({ ...base, ...overrides })) {
    handlers[name] = (args: unknown) => {
      received.push({ name, args });
      return (handler as (args: unknown) => unknown)(args);
    };
  }

  return {
    handlers: handlers as unknown as CallHandlers,
    received,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const entry = listener as (payload: unknown) => void;
      set.add(entry);
      return () => set.delete(entry);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    listenerCount() {
      let count = 0;
      for (const set of listeners.values()) count += set.size;
      return count;
    },
  };
}
