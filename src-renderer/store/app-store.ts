import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RelayApi, Result } from '../../src-shared/bridge';
import { showBrowserNotification } from '../app/browser-notification';
import type { Host } from '../bridge/connect';
import { createChangesSlice } from './changes-slice';
import { createChannelSlice } from './channel-slice';
import { createMessageSlice } from './message-slice';
import { createOutboxSlice } from './outbox-slice';
import { createSessionSlice } from './session-slice';
import { createThreadSlice } from './thread-slice';
import type { AppState } from './types';
import { createUiSlice } from './ui-slice';
import { createWorkspaceSlice } from './workspace-slice';

export type AppStore = StoreApi<AppState>;

/** One store per window, talking to the core only through `relay`. */
export function createAppStore(relay: RelayApi, host: Host): AppStore {
  return createStore<AppState>()((set, get) => {
    const context = {
      set,
      get,
      relay,
      showRefusal: (result: Result<unknown>) => {
        if (!result.ok) get().showError(result.error);
      },
    };
    return {
      ...createSessionSlice(context, host),
      ...createChannelSlice(context),
      ...createMessageSlice(context),
      ...createThreadSlice(context),
      ...createOutboxSlice(context),
      ...createUiSlice(context),
      ...createChangesSlice(context),
      ...createWorkspaceSlice(context),
    };
  });
}

/** Feeds the core's event stream into the store; returns the function that stops it. */
export function subscribeToCore(relay: RelayApi, store: AppStore): () => void {
  const state = () => store.getState();
  const unsubscribes = [
    relay.on('session', (session) => state().onSession(session)),
    relay.on('connection', ({ state: connection, detail }) => state().onConnection(connection, detail)),
    relay.on('channels', (channels) => state().onChannels(channels)),
    relay.on('messageUpserted', (message) => state().onMessage(message)),
    relay.on('messagesUpserted', (messages) => state().onMessages(messages)),
    relay.on('messageRemoved', ({ channelId, key }) => state().onMessageRemoved(channelId, key)),
    relay.on('typing', ({ channelId, typists }) => state().onTyping(channelId, typists)),
    relay.on('unread', ({ channelId, unreadCount, total, mentionCount }) =>
      state().onUnread(channelId, unreadCount, total, mentionCount),
    ),
    relay.on('outbox', ({ sending, failed }) => state().onOutbox(sending, failed)),
    relay.on('navigate', ({ channelId, messageId }) => void state().navigateTo(channelId, messageId)),
    relay.on('notification', (notification) => {
      // In the desktop app main shows a native notification; the browser host shows its own.
      if (state().host !== 'browser') return;
      const { channelId, messageId } = notification;
      const target = messageId ? { channelId, messageId } : { channelId };
      state().showNotification(notification.title, notification.body, target);
      showBrowserNotification(notification, () => void state().navigateTo(channelId, messageId));
    }),
    relay.on('error', (error) => {
      state().showError(error);
      if (error.code === 'DATABASE_RESET') state().onStoreReset();
    }),
    relay.on('people', (people) => state().onPeople(people)),
    // Heard here, not by the banner: React mounts only after boot, and an update may be ready before.
    relay.on('updateReady', ({ version }) => state().onUpdateReady(version)),
  ];
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}
