/**
 * The one window, and the guards every web contents gets: the page can run nothing but our renderer,
 * go nowhere else, open no windows and attach no webviews; http(s) links go to the OS browser.
 */
import { BrowserWindow, type Rectangle, type WebContents } from 'electron';
import { APP_ENTRY_URL, PRODUCT_NAME } from './identity';
import { isAppUrl, isSafeExternalUrl } from './policy';

export type WindowBounds = Partial<Rectangle> & { width: number; height: number; maximized?: boolean };

export function createMainWindow(options: {
  preload: string;
  bounds: WindowBounds;
  icon?: string;
  /** false: start hidden in the tray (start minimised). */
  show?: boolean;
}): BrowserWindow {
  const { maximized, ...rect } = options.bounds;
  const win = new BrowserWindow({
    ...rect,
    minWidth: 640,
    minHeight: 420,
    show: false,
    title: PRODUCT_NAME,
    ...(options.icon ? { icon: options.icon } : {}),
    // Literal here (not built elsewhere) so a reader, and electronegativity, sees every setting at once.
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      // Middle-click would otherwise try to open links in a new window.
      disableBlinkFeatures: 'Auxclick',
      // V8's code cache for app:// (session.ts, `codeCache`) written on the first launch of a bundle,
      // not only once Chromium has seen the script twice ('code', the heat check): after an update the
      // second launch starts from the cache instead of the third. Costs one cache write (~175 KB, ~8 ms
      // of CPU in Chromium's trace of the entry: BENCHMARKS.md, paint24); what reading it back saves
      // needs an Electron binary to measure.
      v8CacheOptions: 'bypassHeatCheck',
    },
  });
  if (maximized) win.maximize();
  if (options.show !== false) win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

/** Applied to every web contents the app creates (app 'web-contents-created'), not only ours. */
export function hardenWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // A link with target=_blank: hand http(s) to the OS browser, open nothing inside the app.
    if (isSafeExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** Brings the window to the front, restoring it from the taskbar or tray if needed. */
export function focusWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
