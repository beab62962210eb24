/**
 * The desktop app's wiring, with `electron` and `electron-store` faked and a fake core: what a
 * launch does before and after 'ready', and how the pieces talk (IPC, events, badge, links, quit).
 */

import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../src-shared/testing/wait-for';
import { createFakeCore, type FakeCore } from '../bridge/testing/fake-core';
import type { CorePorts } from '../core/ports';

vi.mock('electron', () => import('./testing/electron-mock'));
vi.mock('electron-store', () => ({
  default: class FakeStore {
    static last: FakeStore | null = null;
    data = new Map<string, unknown>();
    constructor() {
      FakeStore.last = this;
    }
    get(key: string) {
      return this.data.get(key);
    }
    set(key: string, value: unknown) {
      this.data.set(key, value);
    }
    delete(key: string) {
      this.data.delete(key);
    }
  },
}));

type LaunchedCore = FakeCore & {
  ports: CorePorts;
  options: unknown;
  start: ReturnType<typeof vi.fn>;
  resume: ReturnType<typeof vi.fn>;
  networkChanged: ReturnType<typeof vi.fn>;
  systemIdle: ReturnType<typeof vi.fn>;
  close: ReturnType<typeof vi.fn>;
};
const cores: LaunchedCore[] = [];
let failStart = false;
vi.mock('../core/create-core', () => ({
  createCore: (ports: CorePorts, options: unknown) => {
    const core = Object.assign(createFakeCore(), {
      ports,
      options,
      start: vi.fn(async () => {
        if (failStart) throw new Error('database is locked');
      }),
      resume: vi.fn(),
      networkChanged: vi.fn(),
      systemIdle: vi.fn(),
      close: vi.fn(async () => {}),
    });
    cores.push(core);
    return core;
  },
}));

const electron = await import('./testing/electron-mock');
const { startDesktopApp } = await import('./app');
const { APP_ID } = await import('./identity');

const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
const previousServerUrl = process.env.RELAY_SERVER_URL;
afterAll(() => {
  errors.mockRestore();
  if (previousServerUrl === undefined) delete process.env.RELAY_SERVER_URL;
  else process.env.RELAY_SERVER_URL = previousServerUrl;
});

describe('desktop app launch', () => {
  it('quits at once when another instance holds the lock', () => {
    electron.app.requestSingleInstanceLock.mockReturnValueOnce(false);
    startDesktopApp();
    expect(electron.app.quit).toHaveBeenCalledOnce();
    expect(electron.app.setAppUserModelId).not.toHaveBeenCalled();
    electron.app.quit.mockClear();
  });

  it('wires the window, the bridge, the badge, links and quitting to the core', async () => {
    process.env.RELAY_SERVER_URL = 'http://127.0.0.1:3999';
    electron.app.whenReady = () => Promise.resolve();
    startDesktopApp();

    // Before 'ready': identity for OS notifications, and the app:// scheme.
    expect(electron.app.setAppUserModelId).toHaveBeenCalledWith(APP_ID);
    if (process.platform === 'linux')
      expect(electron.app.setDesktopName).toHaveBeenCalledWith('relay.desktop');
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledOnce();

    await waitFor(
      () => electron.BrowserWindow.created.length === 1 && cores[0]?.start.mock.calls.length === 1,
      'the window and the core started',
    );
    const win = electron.BrowserWindow.created[0]!;
    const core = cores[0]!;
    expect(win.loadedUrl).toBe('app://relay/index.html');
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      sandbox: true,
    });
    expect(electron.session.defaultSession.protocolHandlers.has('app')).toBe(true);

    // `npm start` points the app at its server; without an Electron-ABI build, it says how to make one.
    expect(core.ports.settings.get().serverUrl).toBe('http://127.0.0.1:3999');
    expect(core.options).toEqual({});
    expect(String(errors.mock.calls[0]?.[0])).toContain('native-electron.mjs');

    // The bridge: a call from our page reaches the core; its events reach the page.
    const handler = electron.ipcMain.handlers.get('relay:call')!;
    const mainFrame = { url: 'app://relay/index.html', parent: null };
    expect(await handler({ sender: win.webContents, senderFrame: mainFrame }, 'getSession')).toMatchObject({
      ok: true,
    });
    const unread = { channelId: randomUUID(), unreadCount: 2, total: 4 };
    core.emit('unread', unread);
    expect(win.webContents.sent).toContainEqual(['relay:event', 'unread', unread]);

    // Ports: badge, links (http(s) only), focus on a second launch.
    core.ports.setBadgeCount?.(4);
    expect(electron.app.setBadgeCount).toHaveBeenLastCalledWith(4);
    await core.ports.openExternal('file:///etc/passwd');
    await core.ports.openExternal('https://example.com/');
    expect(electron.shell.openExternal.mock.calls).toEqual([['https://example.com/']]);
    win.minimized = true;
    electron.app.emit('second-instance');
    expect(win).toMatchObject({ minimized: false, focused: true });

    // A deep link on a second launch's command line: focus, and the page is sent there.
    const channelId = randomUUID();
    electron.app.emit('second-instance', {}, ['/opt/relay', `relay://channel/${channelId}`]);
    await waitFor(() => win.webContents.sent.some(([, name]) => name === 'navigate'), 'navigate sent');
    expect(win.webContents.sent).toContainEqual(['relay:event', 'navigate', { channelId }]);
    electron.app.emit('second-instance', {}, ['/opt/relay', `relay://message/${randomUUID()}`]);
    await waitFor(() => win.webContents.sent.some(([, name]) => name === 'error'), 'error sent');
    expect(electron.app.setAsDefaultProtocolClient.mock.calls[0]?.[0]).toBe('relay');

    // HTTP goes through Chromium's stack (system proxy, PAC, certificate checks).
    await core.ports.fetch?.('http://127.0.0.1:3999/healthz');
    expect(electron.net.fetched).toEqual(['http://127.0.0.1:3999/healthz']);
    expect(core.ports.socketFactory).toBeTypeOf('function');

    // A certificate Chromium rejected is refused, never accepted.
    const verdict = vi.fn();
    electron.app.emit(
      'certificate-error',
      electron.electronEvent(),
      {},
      'https://bad.example/x',
      'net::ERR_CERT_DATE_INVALID',
      {},
      verdict,
    );
    expect(verdict).toHaveBeenCalledExactlyOnceWith(false);

    // No update feed for an unpackaged app; the click says so rather than restarting.
    expect(core.ports.restartToUpdate?.()).toBe(false);

    // "Attach" is the native dialog (files.spec's file input stays for the browser host).
    electron.dialog.answer = { canceled: false, filePaths: ['/home/alice/chart.png'] };
    expect(await core.ports.pickFiles?.()).toEqual(['/home/alice/chart.png']);
    // Downloads of our own files are taken (no longer all refused).
    const download = {
      getURL: () => 'app://relay/files/11111111-1111-4111-8111-111111111111',
      getFilename: () => 'chart.png',
      setSavePath: vi.fn(),
      setSaveDialogOptions: vi.fn(),
    };
    electron.session.defaultSession.emit('will-download', { preventDefault: vi.fn() }, download);
    expect(download.setSavePath).toHaveBeenCalledOnce();

    // Every web contents created later is hardened too.
    const contents = new electron.FakeWebContents();
    electron.app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler?.({ url: 'https://x.example/' })).toEqual({ action: 'deny' });
    expect(contents.listenerCount('context-menu')).toBe(1);

    // Power events reach the core.
    electron.powerMonitor.emit('resume');
    expect(core.resume).toHaveBeenCalledOnce();

    // Closing saves where the window was; quitting closes the core before the app goes.
    win.emit('close');
    const Store = (await import('electron-store')).default as unknown as {
      last: { data: Map<string, unknown> };
    };
    expect(Store.last.data.get('windowBounds')).toEqual({
      x: 10,
      y: 20,
      width: 900,
      height: 700,
      maximized: false,
    });
    const quit = electron.electronEvent();
    electron.app.emit('before-quit', quit);
    expect(quit.defaultPrevented).toBe(true);
    expect(core.close).toHaveBeenCalledOnce();
    await waitFor(() => electron.app.quit.mock.calls.length === 1, 'app.quit');
    const again = electron.electronEvent();
    electron.app.emit('before-quit', again);
    expect(again.defaultPrevented).toBe(false);
  });

  it('exits non-zero, saying why, when the app cannot start', async () => {
    electron.ipcMain.handlers.clear();
    failStart = true;
    errors.mockClear();
    startDesktopApp();
    await waitFor(() => electron.app.exit.mock.calls.length === 1, 'app.exit');
    expect(electron.app.exit).toHaveBeenCalledWith(1);
    expect(errors.mock.calls.at(-1)?.[0]).toBe('relay: could not start');
  });
});
