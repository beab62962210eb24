/**
 * A stand-in for the `electron` module, for the shell's tests (`vi.mock('electron', ...)`): just
 * enough of each API to record what the shell asks for and to fire the events it listens to.
 * Every test file gets a fresh copy (vitest isolates modules per file).
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** An Electron-style event: `preventDefault()` is observable. */
export function electronEvent<T extends object>(fields: T = {} as T) {
  return {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  id = FakeWebContents.nextId++;
  sent: unknown[][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  static created: BrowserWindow[] = [];
  static getAllWindows = () => BrowserWindow.created.filter((w) => !w.destroyed);
  webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  visible = false;
  focused = false;
  minimized = false;
  maximized = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.created.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show() {
    this.visible = true;
  }
  focus() {
    this.focused = true;
  }
  restore() {
    this.minimized = false;
  }
  maximize() {
    this.maximized = true;
  }
  isMinimized() {
    return this.minimized;
  }
  isVisible() {
    return this.visible;
  }
  isMaximized() {
    return this.maximized;
  }
  isDestroyed() {
    return this.destroyed;
  }
  overlay: { image: unknown; description: string } | null = null;
  setOverlayIcon(image: unknown, description: string) {
    this.overlay = image ? { image, description } : null;
  }
  getNormalBounds() {
    return { x: 10, y: 20, width: 900, height: 700 };
  }
}

export class Notification extends EventEmitter {
  static supported = true;
  static shown: Notification[] = [];
  static isSupported = () => Notification.supported;
  constructor(readonly options: { title: string; body: string; icon?: string }) {
    super();
  }
  /** How many times close() was called. */
  closes = 0;
  show() {
    Notification.shown.push(this);
  }
  close() {
    this.closes++;
    this.emit('close');
  }
}

export class Tray extends EventEmitter {
  static created: Tray[] = [];
  image: unknown;
  tooltip = '';
  title = '';
  menu: unknown;
  destroyed = false;
  constructor(image: unknown) {
    super();
    this.image = image;
    Tray.created.push(this);
  }
  setImage(image: unknown) {
    this.image = image;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setTitle(text: string) {
    this.title = text;
  }
  setContextMenu(menu: unknown) {
    this.menu = menu;
  }
  destroy() {
    this.destroyed = true;
  }
}

export const Menu = {
  /** Menus popped up, newest last. */
  shown: [] as { template: unknown[] }[],
  buildFromTemplate: (template: unknown[]) => ({
    template,
    popup() {
      Menu.shown.push(this);
    },
  }),
};
export const nativeImage = { createFromPath: (path: string) => ({ path }) };

export const app = Object.assign(new EventEmitter(), {
  badgeCount: 0,
  setBadgeCount: vi.fn((count: number) => {
    app.badgeCount = count;
    return true;
  }),
  setAppUserModelId: vi.fn(),
  setDesktopName: vi.fn(),
  requestSingleInstanceLock: vi.fn(() => true),
  quit: vi.fn(),
  exit: vi.fn(),
  isPackaged: false,
  getAppPath: () => '/app',
  getPath: () => '/tmp/relay-user-data',
  setPath: vi.fn(),
  whenReady: () => new Promise(() => {}),
  loginItem: { openAtLogin: false, openAsHidden: false, args: [] as string[], wasOpenedAsHidden: false },
  setLoginItemSettings: vi.fn(
    (settings: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }) => {
      Object.assign(app.loginItem, settings);
    },
  ),
  getLoginItemSettings: () => app.loginItem,
  setAsDefaultProtocolClient: vi.fn((_scheme: string, _path?: string, _args?: string[]) => true),
});

type Handler = (event: unknown, ...args: unknown[]) => unknown;
export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, handler: Handler) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  },
};

/** `answer`: what the next open dialogs return (a test sets it). */
export const dialog = {
  answer: { canceled: true, filePaths: [] as string[] },
  showOpenDialog: vi.fn(async (..._args: unknown[]) => dialog.answer),
};

export const shell = { openExternal: vi.fn(async (_url: string) => {}) };

/** `idleSeconds`: what getSystemIdleTime answers (a test sets it). */
export const powerMonitor = Object.assign(new EventEmitter(), {
  idleSeconds: 0,
  getSystemIdleTime: () => powerMonitor.idleSeconds,
});
export const net = {
  online: true,
  isOnline: () => net.online,
  fetched: [] as string[],
  fetch: vi.fn(async (input: string) => {
    net.fetched.push(input);
    return new Response('{}');
  }),
};

export const protocol = { registerSchemesAsPrivileged: vi.fn() };

export class FakeSession extends EventEmitter {
  permissionRequestHandler:
    | ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void)
    | null = null;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | null = null;
  devicePermissionHandler: ((...args: unknown[]) => boolean) | null = null;
  protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  protocol = {
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
      this.protocolHandlers.set(scheme, handler);
    },
  };
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']) {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']) {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: FakeSession['devicePermissionHandler']) {
    this.devicePermissionHandler = handler;
  }
  /** What the system proxy settings (or PAC script) answer for a URL. */
  proxyAnswer = 'DIRECT';
  resolveProxy = vi.fn(async (_url: string) => this.proxyAnswer);
}
export const session = { defaultSession: new FakeSession() };
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
export const safeStorage = {
  isAsyncEncryptionAvailable: async () => true,
  encryptStringAsync: async (s: string) => Buffer.from(`enc:${s}`),
  decryptStringAsync: async (b: Buffer) => ({
    result: b.toString().replace(/^enc:/, ''),
    shouldReEncrypt: false,
  }),
};

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown) {
    this.exposed.set(key, api);
  },
};

export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoked: [] as unknown[][],
  invoke: vi.fn(async (...args: unknown[]) => {
    ipcRenderer.invoked.push(args);
    return { ok: true, value: null };
  }),
});
