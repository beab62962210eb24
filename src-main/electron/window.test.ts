import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BridgeFailure } from '../../src-shared/bridge';

vi.mock('electron', () => import('./testing/electron-mock'));

const electron = await import('./testing/electron-mock');
const { createMainWindow, focusWindow, hardenWebContents } = await import('./window');
const { lockDownSession, registerAppScheme } = await import('./session');

describe('main window', () => {
  it('is created isolated, sandboxed, without Node, with web security, and loads app://relay', () => {
    const win = createMainWindow({
      preload: '/app/out/preload/index.cjs',
      bounds: { width: 1000, height: 700 },
    });
    const fake = win as unknown as InstanceType<typeof electron.BrowserWindow>;
    // Each security setting as it must be: one missing or flipped fails here.
    const on = ['contextIsolation', 'sandbox', 'webSecurity'];
    const off = [
      'nodeIntegration',
      'nodeIntegrationInWorker',
      'nodeIntegrationInSubFrames',
      'allowRunningInsecureContent',
      'webviewTag',
    ];
    expect(fake.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      ...Object.fromEntries(on.map((setting) => [setting, true])),
      ...Object.fromEntries(off.map((setting) => [setting, false])),
      disableBlinkFeatures: 'Auxclick',
    });
    expect(fake.options).toMatchObject({ width: 1000, height: 700, show: false });
    expect(fake.loadedUrl).toBe('app://relay/index.html');
    expect(fake.visible).toBe(false);
    fake.emit('ready-to-show');
    expect(fake.visible).toBe(true);
  });

  it("writes V8's code cache for the renderer on a bundle's first launch, not after Chromium's heat check", () => {
    const win = createMainWindow({ preload: '/p.cjs', bounds: { width: 800, height: 600 } });
    const fake = win as unknown as InstanceType<typeof electron.BrowserWindow>;
    expect(fake.options.webPreferences).toMatchObject({ v8CacheOptions: 'bypassHeatCheck' });
  });

  it('has a minimum size, and stays hidden in the tray when started minimised', () => {
    const win = createMainWindow({ preload: '/p', bounds: { width: 800, height: 600 }, show: false });
    const fake = win as unknown as InstanceType<typeof electron.BrowserWindow>;
    expect(fake.options).toMatchObject({ minWidth: 640, minHeight: 420 });
    fake.emit('ready-to-show');
    expect(fake.visible).toBe(false);
  });

  it('restores a maximized window maximized, and focusWindow brings a minimized one back', () => {
    const win = createMainWindow({
      preload: '/p',
      bounds: { x: 5, y: 6, width: 800, height: 600, maximized: true },
    });
    const fake = win as unknown as InstanceType<typeof electron.BrowserWindow>;
    expect(fake.options).toMatchObject({ x: 5, y: 6 });
    expect(fake.options).not.toHaveProperty('maximized');
    expect(fake.maximized).toBe(true);
    fake.minimized = true;
    focusWindow(win);
    expect(fake).toMatchObject({ minimized: false, visible: true, focused: true });
  });
});

describe('web contents guards', () => {
  function hardened() {
    const contents = new electron.FakeWebContents();
    const opened: string[] = [];
    hardenWebContents(contents as never, (url) => opened.push(url));
    return { contents, opened };
  }

  it('blocks navigation and redirects away from the app', () => {
    const { contents } = hardened();
    for (const event of ['will-navigate', 'will-redirect']) {
      const away = electron.electronEvent({ url: 'https://evil.example/phish' });
      contents.emit(event, away);
      expect(away.defaultPrevented, event).toBe(true);
      const file = electron.electronEvent({ url: 'file:///etc/passwd' });
      contents.emit(event, file);
      expect(file.defaultPrevented, event).toBe(true);
      const inApp = electron.electronEvent({ url: 'app://relay/index.html' });
      contents.emit(event, inApp);
      expect(inApp.defaultPrevented, event).toBe(false);
    }
  });

  it('opens no window: http(s) goes to the OS browser, anything else nowhere', () => {
    const { contents, opened } = hardened();
    const open = contents.windowOpenHandler!;
    expect(open({ url: 'https://example.com/doc' })).toEqual({ action: 'deny' });
    expect(open({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(open({ url: 'file:///C:/Windows/System32/calc.exe' })).toEqual({ action: 'deny' });
    expect(open({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(open({ url: 'app://relay/index.html' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.com/doc', 'http://example.com/']);
  });

  it('refuses to attach webviews', () => {
    const { contents } = hardened();
    const event = electron.electronEvent();
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('session', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("registers app:// as a standard, secure scheme whose scripts keep V8's code cache across launches", () => {
    registerAppScheme();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
  });

  it('denies every permission and every download', () => {
    const ses = new electron.FakeSession();
    lockDownSession(ses as never, '/nowhere');
    const answers: boolean[] = [];
    for (const permission of ['notifications', 'media', 'geolocation', 'openExternal', 'clipboard-read']) {
      ses.permissionRequestHandler!(null, permission, (granted) => answers.push(granted));
    }
    expect(answers).toEqual([false, false, false, false, false]);
    expect(ses.permissionCheckHandler!(null, 'notifications')).toBe(false);
    expect(ses.devicePermissionHandler!({})).toBe(false);
    const download = electron.electronEvent();
    ses.emit('will-download', download);
    expect(download.defaultPrevented).toBe(true);
  });

  it('serves the renderer from app://relay with a strict CSP, and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relay-proto-'));
    dirs.push(dir);
    await mkdir(join(dir, 'renderer'));
    await writeFile(join(dir, 'renderer', 'index.html'), '<html></html>');
    await writeFile(join(dir, 'secret.txt'), 'no');
    const ses = new electron.FakeSession();
    lockDownSession(ses as never, join(dir, 'renderer'));
    const handle = ses.protocolHandlers.get('app')!;
    const index = await handle(new Request('app://relay/index.html'));
    expect(index.status).toBe(200);
    expect(await index.text()).toBe('<html></html>');
    const csp = index.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    // Workers of our own files only (public/warm-intl-worker.js sets ICU up off the main thread).
    expect(csp).toContain("worker-src 'self'");
    expect((await handle(new Request('app://relay/%2e%2e/secret.txt'))).status).toBe(404);
    expect((await handle(new Request('app://other/index.html'))).status).toBe(404);
  });

  it("serves a message's file on app://relay/files/:id from the core's cache, sandboxed", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relay-proto-'));
    dirs.push(dir);
    await writeFile(join(dir, 'cached'), 'bytes of the file');
    const id = '0b6f4f5e-8a46-4c36-9d1b-4a1f1e0b8f27';
    const opened: string[] = [];
    const files = {
      async open(fileId: string, variant: string) {
        opened.push(`${fileId}:${variant}`);
        if (fileId !== id) throw new BridgeFailure('NOT_FOUND', 'No such file');
        return { path: join(dir, 'cached'), size: 17, mime: 'text/plain', disposition: 'attachment' };
      },
    };
    const ses = new electron.FakeSession();
    lockDownSession(ses as never, join(dir, 'renderer'), () => files);
    const handle = ses.protocolHandlers.get('app')!;
    const file = await handle(new Request(`app://relay/files/${id}`));
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('bytes of the file');
    expect(file.headers.get('content-disposition')).toBe('attachment');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect((await handle(new Request(`app://relay/files/${id}/thumbnail`))).status).toBe(200);
    expect((await handle(new Request('app://relay/files/1b6f4f5e-8a46-4c36-9d1b-4a1f1e0b8f27'))).status).toBe(
      404,
    );
    expect(opened).toEqual([
      `${id}:original`,
      `${id}:thumbnail`,
      '1b6f4f5e-8a46-4c36-9d1b-4a1f1e0b8f27:original',
    ]);
  });
});
