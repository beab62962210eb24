/**
 * The Electron preload (sandboxed; bundled to one CommonJS file). It exposes exactly `RelayApi` as
 * `window.relay`, built from the contract: one method per call, `on` for events. The page never gets
 * ipcRenderer, an IpcRendererEvent, or a channel name: only these functions and plain data.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { Result } from '../src-shared/bridge';
import { createListeners, createRelayApi } from '../src-shared/bridge/relay-api';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../src-shared/bridge/transport';

const listeners = createListeners();
// One IPC listener for the whole stream; the event object stays here.
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, name: unknown, payload: unknown) =>
  listeners.dispatch(name, payload),
);

// A call that cannot even be sent (an input that does not survive structured clone) still gets a
// Result, never a rejected promise: the renderer handles one shape of failure.
const undeliverable = (error: unknown): Result<never> => ({
  ok: false,
  error: {
    code: 'BAD_REQUEST',
    message: `The call could not be sent: ${error instanceof Error ? error.message : 'unknown error'}`,
  },
});

contextBridge.exposeInMainWorld(
  'relay',
  createRelayApi(
    (name, input) => ipcRenderer.invoke(IPC_CALL_CHANNEL, name, input).catch(undeliverable),
    listeners,
  ),
);
