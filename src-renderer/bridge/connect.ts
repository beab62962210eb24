import type { RelayApi } from '../../src-shared/bridge';

/** Which host runs the page: the Electron window (preload bridge) or a browser (WebSocket bridge). */
export type Host = 'electron' | 'browser';

export type ConnectedBridge = { relay: RelayApi; host: Host };

/**
 * The Electron preload puts the bridge on `window.relay`; in the browser host there is none, and the
 * same contract is carried over a WebSocket. That code is loaded only when needed (a separate chunk).
 */
export async function connectBridge(win: Window = window): Promise<ConnectedBridge> {
  if (win.relay) return { relay: win.relay, host: 'electron' };
  const { connectWebBridge } = await import('./web-bridge');
  return { relay: await connectWebBridge(), host: 'browser' };
}
