import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createEventFanout } from '../bridge/fanout';
import { createRouter } from '../bridge/router';
import { createFakeCore } from '../bridge/testing/fake-core';

vi.mock('electron', () => import('./testing/electron-mock'));

const electron = await import('./testing/electron-mock');
const { bindIpc } = await import('./ipc');

function setup() {
  const core = createFakeCore();
  const fanout = createEventFanout(core, () => {});
  const win = new electron.BrowserWindow({});
  const unbind = bindIpc({
    ipcMain: electron.ipcMain as never,
    router: createRouter(core.handlers, () => {}),
    fanout,
    window: () => win as never,
  });
  const handler = electron.ipcMain.handlers.get('relay:call')!;
  const call = (sender: unknown, senderFrame: unknown, name: string, input?: unknown) =>
    handler({ sender, senderFrame }, name, input) as Promise<unknown>;
  const mainFrame = { url: 'app://relay/index.html', parent: null };
  return { core, win, unbind, call, mainFrame };
}

describe('Electron IPC glue', () => {
  it('routes a call from our own page to the core', async () => {
    const { core, win, unbind, call, mainFrame } = setup();
    const channelId = randomUUID();
    expect(await call(win.webContents, mainFrame, 'markRead', { channelId })).toEqual({
      ok: true,
      value: undefined,
    });
    expect(core.received).toEqual([{ name: 'markRead', args: { channelId } }]);
    expect(await call(win.webContents, mainFrame, 'markRead', { channelId: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    unbind();
  });

  it('refuses a subframe, another origin, a vanished frame or another web contents', async () => {
    const { core, win, unbind, call, mainFrame } = setup();
    const other = new electron.FakeWebContents();
    const refused = {
      ok: false,
      error: { code: 'FORBIDDEN', message: 'This page may not use the Relay bridge' },
    };
    expect(
      await call(win.webContents, { url: 'app://relay/index.html', parent: mainFrame }, 'getSession'),
    ).toEqual(refused);
    expect(await call(win.webContents, { url: 'https://evil.example/', parent: null }, 'getSession')).toEqual(
      refused,
    );
    expect(await call(win.webContents, { url: 'file:///tmp/x.html', parent: null }, 'getSession')).toEqual(
      refused,
    );
    expect(await call(win.webContents, null, 'getSession')).toEqual(refused);
    expect(await call(other, mainFrame, 'getSession')).toEqual(refused);
    win.destroyed = true;
    expect(await call(win.webContents, mainFrame, 'getSession')).toEqual(refused);
    expect(core.received).toEqual([]);
    unbind();
  });

  it("sends the core's events to the window, and stops once unbound", () => {
    const { core, win, unbind } = setup();
    const payload = { channelId: randomUUID(), unreadCount: 1, total: 1 };
    core.emit('unread', payload);
    expect(win.webContents.sent).toEqual([['relay:event', 'unread', payload]]);
    unbind();
    core.emit('unread', payload);
    expect(win.webContents.sent).toHaveLength(1);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });
});
