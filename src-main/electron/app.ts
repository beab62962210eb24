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
import { attachContextMenu } from './context-menu';
import type { ShellCore } from './core-types';
import { type DeepLink, deepLinkInArgv, deepLinkTarget, registerDeepLinks } from './deep-link';
import { Downloads } from './downloads';
import { pickFilesWith } from './file-dialog';
import { APP_ID, DESKTOP_FILE } from './identity';
import { bindIpc } from './ipc';
import { electronNativeBinding } from './native-binding';
import { createNetworkPorts } from './net-ports';
import { createElectronNotifier } from './notifier';
import {
  createSecretStore,
  createSettingsStore,
  type KeyValue,
  loadWindowBounds,
  observeSettings,
  saveWindowBounds,
} from './persistence';
import { isSafeExternalUrl } from './policy';
import { watchPowerAndNetwork } from './power';
import { lockDownSession, registerAppScheme } from './session';
import { applyLoginItem, startsHidden } from './startup';
import { createUpdatePolicy, type UpdatePolicy, type Updater } from './updater';
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
  // Message files saved from the window: to Downloads, or where "Save as…" says.
  const downloads = new Downloads(() => app.getPath('downloads'));

  const openExternal = async (url: string) => {
    if (isSafeExternalUrl(url)) await shell.openExternal(url);
  };
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, (url) => void openExternal(url));
    attachContextMenu(contents, (url) => downloads.saveAs(url));
  });
  // Never trust a certificate Chromium rejected: say which, refuse it (the default, made explicit).
  app.on('certificate-error', (_event, _contents, url, error, _certificate, callback) => {
    console.error(`relay: refused ${new URL(url).origin}: its certificate is not valid (${error})`);
    callback(false);
  });

  let win: BrowserWindow | null = null;
  const focus = () => focusWindow(win);
  // Deep links arriving before the window and the core are up wait here (the last one wins).
  let deliverLink: ((link: DeepLink) => void) | null = null;
  let pendingLink: DeepLink | null = null;
  const openDeepLink = (link: DeepLink) => {
    if (deliverLink) deliverLink(link);
    else pendingLink = link;
  };
  pendingLink = registerDeepLinks(openDeepLink);
  app.on('second-instance', (_event, argv: string[] = []) => {
    focus();
    const link = deepLinkInArgv(argv);
    if (link) openDeepLink(link);
  });

  app
    .whenReady()
    .then(run)
    .catch((error: unknown) => fail(error));

  async function run(): Promise<void> {
    const appPath = app.getAppPath();
    const resources = app.isPackaged
      ? join(process.resourcesPath, 'runtime')
      : join(appPath, 'resources', 'runtime');
    let core: ShellCore | undefined;
    lockDownSession(session.defaultSession, join(appPath, 'out', 'renderer'), () => core?.files, downloads);

    const kv = new Store({
      name: 'relay',
      clearInvalidConfig: true,
      configFileMode: 0o600,
    }) as unknown as KeyValue;
    let updates: UpdatePolicy | null = null;
    const settings = observeSettings(createSettingsStore(kv, DEFAULT_SETTINGS), (next, previous) => {
      if (next.openAtLogin !== previous.openAtLogin || next.startMinimized !== previous.startMinimized)
        applyLoginItem(next, loginItemOptions());
      if (next.updateUrl !== previous.updateUrl) updates?.feedChanged();
    });
    // Refreshed each start: the executable may have moved (an update, a new AppImage).
    if (settings.get().openAtLogin) applyLoginItem(settings.get(), loginItemOptions());
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

    core = createCore(
      {
        notifier: createElectronNotifier({ focusWindow: focus, icon: join(resources, 'icon.png') }),
        secrets: createSecretStore(kv, safeStorage),
        settings,
        clock: systemClock,
        paths: { userData: app.getPath('userData') },
        ...createNetworkPorts(session.defaultSession, (message) => console.warn(`relay: ${message}`)),
        openExternal,
        focusWindow: focus,
        setBadgeCount: (count) => badge.setBadgeCount(count),
        restartToUpdate: () => updates?.restartToUpdate() ?? false,
        pickFiles: pickFilesWith(() => win),
      },
      nativeBinding ? { nativeBinding } : {},
    );
    const fanout = createEventFanout(core);
    bindIpc({ ipcMain, router: createRouter(core.handlers), fanout, window: () => win });
    const stopWatching = watchPowerAndNetwork(core);

    const openWindow = (show = true) => {
      const displays = screen.getAllDisplays().map((d) => d.workArea);
      const current = createMainWindow({
        preload: join(appPath, 'out', 'preload', 'index.cjs'),
        bounds: loadWindowBounds(kv, displays),
        icon: join(resources, 'icon.png'),
        show,
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
      updates?.stop();
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

    // Started hidden (the setting, or the login item asking): the tray icon opens the window.
    openWindow(!startsHidden(settings.get()) || pendingLink !== null);
    await core.start();

    deliverLink = (link) => {
      focus();
      void deepLinkTarget(link, core.handlers).then((target) => {
        if (target) fanout.emit('navigate', target);
        else
          fanout.emit('error', {
            code: 'NOT_FOUND',
            message: 'That link leads to nothing you can see here.',
          });
      });
    };
    // The page subscribes once loaded: a link it would miss is delivered after that.
    const early = pendingLink;
    pendingLink = null;
    if (early && win) win.webContents.once('did-finish-load', () => deliverLink?.(early));

    // Packaged builds only: an unpackaged app has no update feed of its own.
    if (app.isPackaged)
      updates = await startUpdates(settings, (version) => fanout.emit('updateReady', { version }));
  }
}

/** Unpackaged (`electron .`), the login item must pass the app folder to Electron. */
function loginItemOptions(): { appArgs: string[] } {
  return { appArgs: app.isPackaged ? [] : [app.getAppPath()] };
}

async function startUpdates(
  settings: { get(): { updateUrl: string } },
  onReady: (version: string) => void,
): Promise<UpdatePolicy> {
  const { default: electronUpdater } = await import('electron-updater');
  const policy = createUpdatePolicy({
    updater: electronUpdater.autoUpdater as unknown as Updater,
    feedUrl: () => settings.get().updateUrl,
    clock: systemClock,
    onReady,
    log: (message) => console.warn(`relay: ${message}`),
  });
  policy.start();
  return policy;
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
