import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-mock'));

const electron = await import('./testing/electron-mock');
const { createBadge } = await import('./badge');

describe('unread badge and tray', () => {
  it('puts the unread count on the app badge and the tray, and clears it at zero', () => {
    const focus = vi.fn();
    const badge = createBadge({
      trayIcon: '/tray.png',
      trayIconUnread: '/tray-unread.png',
      focusWindow: focus,
      quit: () => {},
    });
    const tray = electron.Tray.created.at(-1)!;
    expect(tray.tooltip).toBe('Relay');

    badge.setBadgeCount(3);
    expect(electron.app.setBadgeCount).toHaveBeenLastCalledWith(3);
    expect(tray.tooltip).toBe('Relay: 3 unread');
    expect(tray.image).toEqual({ path: '/tray-unread.png' });

    badge.setBadgeCount(0);
    expect(electron.app.setBadgeCount).toHaveBeenLastCalledWith(0);
    expect(tray.tooltip).toBe('Relay');
    expect(tray.image).toEqual({ path: '/tray.png' });

    tray.emit('click');
    expect(focus).toHaveBeenCalledOnce();
    badge.destroy();
    expect(tray.destroyed).toBe(true);
  });

  it('shows the count as a taskbar overlay on Windows', () => {
    const win = new electron.BrowserWindow({});
    const badge = createBadge({
      trayIcon: '/tray.png',
      trayIconUnread: '/tray-unread.png',
      focusWindow: () => {},
      quit: () => {},
      window: () => win as never,
      platform: 'win32',
    });
    badge.setBadgeCount(2);
    expect(win.overlay).toEqual({ image: { path: '/tray-unread.png' }, description: '2 unread' });
    badge.setBadgeCount(0);
    expect(win.overlay).toBeNull();
  });
});
