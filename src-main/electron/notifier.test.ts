import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createEventFanout } from '../bridge/fanout';
import { createFakeCore } from '../bridge/testing/fake-core';

vi.mock('electron', () => import('./testing/electron-mock'));

const electron = await import('./testing/electron-mock');
const { createElectronNotifier } = await import('./notifier');
const { bindIpc } = await import('./ipc');
const { focusWindow } = await import('./window');

describe('Electron notifier', () => {
  it('shows an OS notification; a click focuses the window and navigates the page to the message', () => {
    const win = new electron.BrowserWindow({});
    win.minimized = true;
    const core = createFakeCore();
    bindIpc({
      ipcMain: electron.ipcMain as never,
      router: { dispatch: async () => ({ ok: true, value: null }) },
      fanout: createEventFanout(core, () => {}),
      window: () => win as never,
    });
    const notifier = createElectronNotifier({
      focusWindow: () => focusWindow(win as never),
      icon: '/icon.png',
    });
    const target = { channelId: randomUUID(), messageId: randomUUID() };
    // The core's onClick emits `navigate` (ports.ts: "onClick brings the app to the message").
    notifier.show({ title: 'bob in #general', body: 'lunch?', ...target }, () =>
      core.emit('navigate', target),
    );

    const shown = electron.Notification.shown.at(-1)!;
    expect(shown.options).toEqual({ title: 'bob in #general', body: 'lunch?', icon: '/icon.png' });
    expect(win.webContents.sent).toEqual([]);
    shown.emit('click');
    expect(win).toMatchObject({ minimized: false, visible: true, focused: true });
    expect(win.webContents.sent).toEqual([['relay:event', 'navigate', target]]);
  });

  it('shows nothing where the OS has no notifications', () => {
    electron.Notification.supported = false;
    const before = electron.Notification.shown.length;
    createElectronNotifier({ focusWindow: () => {} }).show(
      { title: 't', body: 'b', channelId: randomUUID() },
      () => {},
    );
    expect(electron.Notification.shown.length).toBe(before);
    electron.Notification.supported = true;
  });

  it("closes what is still shown for a channel read elsewhere, and only that channel's", () => {
    const notifier = createElectronNotifier({ focusWindow: () => {} });
    const [read, other] = [randomUUID(), randomUUID()];
    notifier.show({ title: 'a', body: 'a', channelId: read }, () => {});
    notifier.show({ title: 'b', body: 'b', channelId: other }, () => {});
    const [a, b] = electron.Notification.shown.slice(-2);
    notifier.close?.(read);
    expect([a?.closes, b?.closes]).toEqual([1, 0]);
    notifier.close?.(read); // already forgotten: not closed twice
    expect([a?.closes, b?.closes]).toEqual([1, 0]);
  });
});
