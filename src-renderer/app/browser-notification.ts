import type { NotificationView } from '../../src-shared/bridge';

/**
 * The browser host has no native notifications of its own: use the page's, where the user allowed
 * them. (In the desktop app main shows native ones, and the renderer shows nothing extra.)
 */
export function showBrowserNotification(notification: NotificationView, onClick: () => void): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible' && document.hasFocus()) return; // the toast is enough
  const shown = new Notification(notification.title, {
    body: notification.body,
    tag: notification.channelId,
  });
  shown.onclick = () => {
    window.focus();
    onClick();
    shown.close();
  };
}

/** Asks once, from a user gesture (browsers ignore requests made without one). */
export function requestNotificationPermission(answered?: (permission: NotificationPermission) => void): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  void Notification.requestPermission()
    .then((permission) => answered?.(permission))
    .catch(() => undefined);
}
