/**
 * The browser host's `RelayApi`: the same contract as the Electron preload, carried over a WebSocket
 * to the host process. Pure browser code (no electron, no Node).
 *
 * The host injects a per-launch secret into the page it serves (`<meta name="relay-bridge">`); the
 * socket presents it as a subprotocol, so only a page the host itself served can drive the app.
 * If the host goes away, pending calls fail at once, the page is told it is offline, and once the host
 * answers again the page reloads to pick up the new launch's secret and state.
 */
// First: configures zod before the contract's schemas are built (see the module).
import './zod-jitless';
import type { CallName, RelayApi, Result } from '../../src-shared/bridge';
import { createListeners, createRelayApi } from '../../src-shared/bridge/relay-api';
import {
  type HostFrame,
  SECRET_META_NAME,
  WS_PATH,
  WS_PROTOCOL,
  WS_SECRET_PREFIX,
} from '../../src-shared/bridge/transport';

type SocketLike = {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(): void;
};

export type WebBridgeOptions = {
  document?: Pick<Document, 'querySelector'>;
  location?: Pick<Location, 'protocol' | 'host' | 'reload'>;
  WebSocket?: new (url: string, protocols: string[]) => SocketLike;
  fetch?: (url: string) => Promise<{ ok: boolean }>;
  /** How often to look for the host again after losing it. */
  retryMs?: number;
};

const OPEN = 1;

export function readBridgeSecret(doc: Pick<Document, 'querySelector'> = document): string | null {
  const content = doc.querySelector(`meta[name="${SECRET_META_NAME}"]`)?.getAttribute('content');
  return content && /^[A-Za-z0-9_-]{16,}$/.test(content) ? content : null;
}

export function connectWebBridge(options: WebBridgeOptions = {}): Promise<RelayApi> {
  const doc = options.document ?? document;
  const loc = options.location ?? window.location;
  const Socket = options.WebSocket ?? (WebSocket as unknown as NonNullable<WebBridgeOptions['WebSocket']>);
  const fetchFn = options.fetch ?? ((url: string) => fetch(url, { cache: 'no-store' }));
  const retryMs = options.retryMs ?? 2000;

  const secret = readBridgeSecret(doc);
  if (!secret) {
    return Promise.reject(
      new Error(
        'This page was not served by the Relay host (no bridge secret): open the address `npm run web` printed.',
      ),
    );
  }

  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new Socket(`${scheme}//${loc.host}${WS_PATH}`, [
    WS_PROTOCOL,
    `${WS_SECRET_PREFIX}${secret}`,
  ]);
  const listeners = createListeners();
  const pending = new Map<number, (result: Result<unknown>) => void>();
  let nextId = 1;

  const invoke = (name: CallName, input: unknown): Promise<Result<unknown>> => {
    if (socket.readyState !== OPEN) return Promise.resolve(hostGone());
    const id = nextId++;
    let frame: string;
    try {
      frame = JSON.stringify({ t: 'call', id, name, input });
    } catch (error) {
      const message = `The call could not be sent: ${error instanceof Error ? error.message : 'unknown error'}`;
      return Promise.resolve({ ok: false, error: { code: 'BAD_REQUEST', message } });
    }
    return new Promise((resolve) => {
      pending.set(id, resolve);
      socket.send(frame);
    });
  };

  socket.onmessage = (event) => {
    if (typeof event.data !== 'string') return;
    let frame: HostFrame;
    try {
      frame = JSON.parse(event.data) as HostFrame;
    } catch {
      return;
    }
    if (frame.t === 'result' && frame.id !== null) {
      const resolve = pending.get(frame.id);
      pending.delete(frame.id);
      resolve?.(frame.result);
    } else if (frame.t === 'event') {
      listeners.dispatch(frame.event, frame.payload);
    }
  };

  return new Promise((resolve, reject) => {
    let opened = false;
    socket.onopen = () => {
      opened = true;
      resolve(createRelayApi(invoke, listeners));
    };
    socket.onerror = () => {};
    socket.onclose = () => {
      if (!opened) {
        reject(
          new Error(
            'The Relay host refused this page or is not running: reload the address `npm run web` printed.',
          ),
        );
        return;
      }
      for (const settle of pending.values()) settle(hostGone());
      pending.clear();
      listeners.dispatch('connection', { state: 'offline', detail: 'Lost the connection to the Relay host' });
      const lookForHost = () => {
        fetchFn('/healthz').then(
          (response) => (response.ok ? loc.reload() : setTimeout(lookForHost, retryMs)),
          () => setTimeout(lookForHost, retryMs),
        );
      };
      setTimeout(lookForHost, retryMs);
    };
  });
}

function hostGone(): Result<never> {
  return {
    ok: false,
    error: { code: 'INTERNAL', message: 'The Relay host is not reachable; is `npm run web` still running?' },
  };
}
