import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { addFavicon } from './app/favicon';
import { OnFirstCommit } from './app/first-commit';
import { applyTheme } from './app/theme';
import { connectBridge } from './bridge/connect';
import { afterNextPaint } from './messages/after-paint';
import { loadMarkdown } from './messages/markdown-loader';
import { createAppStore, subscribeToCore } from './store/app-store';
import { AppProvider } from './store/context';
// Colour emoji from the app's own files (font-src 'self'): no system font needed, nothing fetched.
import '@fontsource/noto-color-emoji/400.css';
import './styles/app.css';
import './styles/workspace.css';

async function start(root: HTMLElement) {
  // React's root (its event listeners on the container) is made while boot's answers are awaited; the
  // splash stays until the first render.
  const reactRoot = createRoot(root);
  const { relay, host } = await connectBridge();
  const store = createAppStore(relay, host);
  subscribeToCore(relay, store);
  // index.html says "Starting Relay…" until the window is booted; React's first render is then the
  // workspace with the open channel's messages (boot waits a moment for them): one render, one layout
  // and one frame, instead of a splash, the channel list and the rows one after the other (figure 7).
  await store.getState().boot();
  // Before the first render: its layout is the themed page's, with no whole-page restyle after it.
  applyTheme(store.getState().settings?.theme ?? 'system');
  reactRoot.render(
    <StrictMode>
      <AppProvider store={store} relay={relay}>
        <App />
      </AppProvider>
      <OnFirstCommit then={afterFirstFrame} />
    </StrictMode>,
  );
}

/** Once the workspace's first frame is on screen (asked for in its commit: app/first-commit.tsx). */
function afterFirstFrame() {
  // marked and DOMPurify, for the first body that needs them (unless such a body asked for them first).
  afterNextPaint(() => void loadMarkdown().catch(() => {}));
  // The tab's icon too: a browser decodes it on the page's main thread (app/favicon.ts).
  afterNextPaint(() => addFavicon());
}

const root = document.getElementById('root')!;
start(root).catch((error: unknown) => {
  // No bridge, no app: say so plainly (textContent, never HTML).
  const message = document.createElement('p');
  message.className = 'fatal';
  message.setAttribute('role', 'alert');
  message.textContent = `Relay could not start: ${error instanceof Error ? error.message : String(error)}`;
  root.replaceChildren(message);
});
