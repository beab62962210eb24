/**
 * The desktop app: wires the core to Electron. Everything Electron-specific lives in this folder;
 * the core, the router and the renderer never import `electron`.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, safeStorage, screen, session, shell } from 'electron';
import Store from 'electron-store';
import { createEventFanout } from '../bridge/fanout';
import { createRouter } from '../bridge/router';
import { createCore } from '../core/create-core';
import { DEFAULT_SETTINGS, systemClock } from '../core/node-ports';
import { createBadge } from './badge';
import type { ShellCore } from './core-types';
import { APP_ID, DESKTOP_FILE } from './identity';
import { bindIpc } from './ipc';
import { electronNativeBinding } from './native-binding';
import { createElectronNotifier } from './notifier';
import {
  createSecretStore,
  createSettingsStore,
  type KeyValue,
  loadWindowBounds,
  saveWindowBounds,
} from './persistence';
import { isSafeExternalUrl } from './policy';
import { watchPowerAndNetwork } from './power';
import { lockDownSession, registerAppScheme } from './session';
import { createMainWindow, focusWindow, hardenWebContents } from './window';

export function startDesktopApp(): void {
  // Tests and side-by-side profiles: a separate data folder (must be set before anything reads it).
  if (process.env.RELAY_USER_DATA) app.setPath('userData', process.env.RELAY_USER_DATA);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.setAppUserModelId(APP_ID);
  if (process.platform === 'linux') app.setDesktopName(DESKTOP_FILE);
  registerAppScheme();

  const openExternal = async (url: string) => {
    if (isSafeExternalUrl(url)) await shell.openExternal(url);
  };
  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(contents, (url) => void openExternal(url)),
  );

  let win: BrowserWindow | null = null;
  const focus = () => focusWindow(win);
  app.on('second-instance', focus);

  app
    .whenReady()
    .then(run)
    .catch((error: unknown) => fail(error));

  async function run(): Promise<void> {
    const appPath = app.getAppPath();
    const resources = app.isPackaged
      ? join(process.resourcesPath, 'runtime')
      : join(appPath, 'resources', 'runtime');
    lockDownSession(session.defaultSession, join(appPath, 'out', 'renderer'));

    const kv = new Store({
      name: 'relay',
      clearInvalidConfig: true,
      configFileMode: 0o600,
    }) as unknown as KeyValue;
    const settings = createSettingsStore(kv, DEFAULT_SETTINGS);
    // `npm start` points the app at the demo server it found or started.
    if (process.env.RELAY_SERVER_URL) settings.set({ serverUrl: process.env.RELAY_SERVER_URL });

    const badge = createBadge({
      trayIcon: join(resources, 'tray.png'),
      trayIconUnread: join(resources, 'tray-unread.png'),
      focusWindow: focus,
      quit: () => app.quit(),
      window: () => win,
    });
    const nativeBinding = electronNativeBinding(appPath);
    if (!nativeBinding)
      console.error('relay: no Electron build of better-sqlite3; run `node scripts/native-electron.mjs`');

    const core: ShellCore = createCore(
      {
        notifier: createElectronNotifier({ focusWindow: focus, icon: join(resources, 'icon.png') }),
        secrets: createSecretStore(kv, safeStorage),
        settings,
        clock: systemClock,
        paths: { userData: app.getPath('userData') },
        openExternal,
        focusWindow: focus,
        setBadgeCount: (count) => badge.setBadgeCount(count),
      },
      nativeBinding ? { nativeBinding } : {},
    );
    const fanout = createEventFanout(core);
    bindIpc({ ipcMain, router: createRouter(core.handlers), fanout, window: () => win });
    const stopWatching = watchPowerAndNetwork(core);

    const openWindow = () => {
      const displays = screen.getAllDisplays().map((d) => d.workArea);
      const current = createMainWindow({
        preload: join(appPath, 'out', 'preload', 'index.cjs'),
        bounds: loadWindowBounds(kv, displays),
        icon: join(resources, 'icon.png'),
      });
      win = current;
      rememberBounds(current, kv);
      current.on('closed', () => {
        if (win === current) win = null;
      });
    };

    // Registered before the core starts, so a quit during a slow start still closes it properly.
    let closing = false;
    app.on('before-quit', (event) => {
      if (closing) return;
      closing = true;
      event.preventDefault();
      stopWatching();
      fanout.close();
      badge.destroy();
      Promise.resolve(core.close()).finally(() => app.quit());
    });
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });

    openWindow();
    await core.start();
  }
}

/** Saves the window's place as it changes (debounced), so even a killed app reopens where it was. */
function rememberBounds(win: BrowserWindow, kv: KeyValue): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => saveWindowBounds(kv, win.getNormalBounds(), win.isMaximized());
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('maximize', saveSoon);
  win.on('unmaximize', saveSoon);
  win.on('close', () => {
    clearTimeout(timer);
    save();
  });
}

function fail(error: unknown): void {
  console.error('relay: could not start', error);
  app.exit(1);
}
