/**
 * The browser host's notifier: a notification becomes the bridge's `notification` event, and the page
 * shows it (the browser's Notification API where permitted, an in-app toast otherwise). The page
 * navigates itself on click, since it knows the channel; so tests can observe every notification.
 */
import type { NotificationView } from '../../src-shared/bridge';
import type { EventFanout } from '../bridge/fanout';
import type { Notifier } from '../core/ports';

export type PageNotifier = Notifier & { attach(fanout: Pick<EventFanout, 'emit'>): void };

export function createPageNotifier(): PageNotifier {
  let target: Pick<EventFanout, 'emit'> | null = null;
  return {
    // The core is built before the host's fan-out exists, hence attach().
    attach(fanout) {
      target = fanout;
    },
    show(notification: NotificationView) {
      target?.emit('notification', notification);
    },
  };
}
