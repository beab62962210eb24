/**
 * The unread count outside the window: the dock/launcher badge (macOS, Linux Unity launchers), the
 * taskbar overlay on Windows (which has no app badge), and the tray icon, whose tooltip (and title on
 * macOS) carries the number and whose icon changes.
 */
import { app, type BrowserWindow, Menu, nativeImage, Tray } from 'electron';
import { PRODUCT_NAME } from './identity';

export type Badge = { setBadgeCount(count: number): void; destroy(): void };

export function createBadge(options: {
  trayIcon: string;
  trayIconUnread: string;
  focusWindow: () => void;
  quit: () => void;
  window?: () => BrowserWindow | null;
  platform?: NodeJS.Platform;
}): Badge {
  const platform = options.platform ?? process.platform;
  const idle = nativeImage.createFromPath(options.trayIcon);
  const unread = nativeImage.createFromPath(options.trayIconUnread);
  const tray = new Tray(idle);
  tray.setToolTip(PRODUCT_NAME);
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: `Open ${PRODUCT_NAME}`, click: options.focusWindow },
      { type: 'separator' },
      { label: 'Quit', click: options.quit },
    ]),
  );
  tray.on('click', options.focusWindow);

  return {
    setBadgeCount(count) {
      const n = Math.max(0, Math.floor(count));
      app.setBadgeCount(n);
      tray.setImage(n > 0 ? unread : idle);
      tray.setToolTip(n > 0 ? `${PRODUCT_NAME}: ${n} unread` : PRODUCT_NAME);
      if (platform === 'darwin') tray.setTitle(n > 0 ? String(n) : '');
      if (platform === 'win32') {
        const win = options.window?.();
        if (win && !win.isDestroyed()) win.setOverlayIcon(n > 0 ? unread : null, n > 0 ? `${n} unread` : '');
      }
    },
    destroy() {
      tray.destroy();
    },
  };
}
