/**
 * The desktop notifier: an OS notification per call; a click brings the window forward and lets the
 * core navigate to the message. Live notifications are kept referenced until clicked or closed, or
 * their click handler would be garbage-collected along with them (macOS, Windows).
 */
import { Notification } from 'electron';
import type { NotificationView } from '../../src-shared/bridge';
import type { Notifier } from '../core/ports';

export function createElectronNotifier(options: { focusWindow: () => void; icon?: string }): Notifier {
  const live = new Map<Notification, string>();
  return {
    show(view: NotificationView, onClick: () => void) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({
        title: view.title,
        body: view.body,
        ...(options.icon ? { icon: options.icon } : {}),
      });
      live.set(notification, view.channelId);
      const forget = () => live.delete(notification);
      notification.on('click', () => {
        forget();
        options.focusWindow();
        onClick();
      });
      notification.on('close', forget);
      notification.on('failed', forget);
      notification.show();
    },
    close(channelId: string) {
      for (const [notification, channel] of live) {
        if (channel !== channelId) continue;
        live.delete(notification);
        notification.close();
      }
    },
  };
}
