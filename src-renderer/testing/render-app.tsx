import { act, configure, render } from '@testing-library/react';
import type { MessageView } from '../../src-shared/bridge';
import { App } from '../app/App';
import { applyTheme } from '../app/theme';
import type { Host } from '../bridge/connect';
import { paintWorkDone } from '../messages/after-paint';
import { MessageList } from '../messages/MessageList';
import { loadMarkdown } from '../messages/markdown-loader';
import { createAppStore, subscribeToCore } from '../store/app-store';
import { AppProvider } from '../store/context';
import type { FakeRelay } from './fake-relay';

// Panels and dialogs are lazy chunks (app/lazy.ts): the first one a test opens is imported on demand,
// which takes well over findBy's default second on a loaded two-core CI box. findBy still returns as
// soon as the element is there; only a real failure waits this long.
configure({ asyncUtilTimeout: 15_000 });

/**
 * Lets every pending promise (bridge answers, effects that await them) settle, and the work a list
 * leaves for after its first frame (messages/after-paint) run.
 */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      await paintWorkDone();
    });
  }
}

/**
 * The whole app over a fake core, booted, as main.tsx starts it: boot first, then the first render.
 * `whileBooting` runs once the store listens to the core, before boot and React's first render.
 */
export async function renderApp(relay: FakeRelay, host: Host = 'electron', whileBooting?: () => void) {
  const store = createAppStore(relay.api, host);
  const unsubscribe = subscribeToCore(relay.api, store);
  whileBooting?.();
  await store.getState().boot();
  applyTheme(store.getState().settings?.theme ?? 'system');
  const view = render(
    <AppProvider store={store} relay={relay.api}>
      <App />
    </AppProvider>,
  );
  // main.tsx loads marked and DOMPurify once the workspace is on screen.
  await act(async () => {
    await loadMarkdown();
  });
  await settle();
  return { ...view, store, unsubscribe };
}

/**
 * One channel's message list over a store already holding `messages` (the relay's first channel), with
 * marked and DOMPurify in (MessageContent.test.tsx has a list's bodies before they are).
 */
export async function renderMessageList(relay: FakeRelay, messages: MessageView[], hasMore = false) {
  await loadMarkdown();
  const channel = relay.channels[0]!;
  const store = createAppStore(relay.api, 'electron');
  store.setState({
    channels: relay.channels,
    activeChannelId: channel.id,
    histories: { [channel.id]: { messages, hasMore, status: 'ready', loadingOlder: false } },
  });
  const view = render(
    <AppProvider store={store} relay={relay.api}>
      <MessageList channel={channel} />
    </AppProvider>,
  );
  await settle();
  return { ...view, store, channel };
}
