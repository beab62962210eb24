/**
 * The unread count outside the window: the dock/launcher badge (macOS, Linux Unity launchers) and
 * the tray icon, whose tooltip (and title on macOS) carries the number and whose icon changes.
 */
import { app, Menu, nativeImage, Tray } from 'electron';
import { PRODUCT_NAME } from './identity';

export type Badge = { setBadgeCount(count: number): void; destroy(): void };

export function createBadge(options: {
  trayIcon: string;
  trayIconUnread: string;
  focusWindow: () => void;
  quit: () => void;
}): Badge {
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
      if (process.platform === 'darwin') tray.setTitle(n > 0 ? String(n) : '');
    },
    destroy() {
      tray.destroy();
    },
  };
}
