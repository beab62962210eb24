/**
 * The bridge over Electron IPC: one invoke channel into the router, one send channel for events.
 * A call is served only when it comes from the main frame of our own page in our own window; anything
 * else (a subframe, a navigated-away page, another web contents) is refused before the router runs.
 */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import type { Result } from '../../src-shared/bridge';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../src-shared/bridge/transport';
import type { EventFanout } from '../bridge/fanout';
import type { Router } from '../bridge/router';
import { isTrustedSenderFrame } from './policy';

const REFUSED: Result<never> = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'This page may not use the Relay bridge' },
};

export function bindIpc(options: {
  ipcMain: IpcMain;
  router: Router;
  fanout: EventFanout;
  window: () => BrowserWindow | null;
}): () => void {
  const { ipcMain, router, fanout } = options;

  ipcMain.handle(IPC_CALL_CHANNEL, (event: IpcMainInvokeEvent, name: unknown, input: unknown) => {
    const win = options.window();
    // Compared by id: the contents object an IPC event carries need not be the window's own wrapper.
    const fromOurWindow = win !== null && !win.isDestroyed() && event.sender.id === win.webContents.id;
    if (!fromOurWindow || !isTrustedSenderFrame(event.senderFrame)) {
      return REFUSED;
    }
    return router.dispatch(name, input);
  });

  const disconnect = fanout.connect((event, payload) => {
    const win = options.window();
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, event, payload);
  });

  return () => {
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
    disconnect();
  };
}
