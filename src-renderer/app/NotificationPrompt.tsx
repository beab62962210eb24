import { useState } from 'react';
import { useApp } from '../store/context';
import { requestNotificationPermission } from './browser-notification';

/**
 * The browser host can only show notifications the user allowed, and browsers only ask from a
 * click: offer the question once, politely, instead of asking on page load.
 */
export function NotificationPrompt() {
  const host = useApp((s) => s.host);
  const [permission, setPermission] = useState(() =>
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );
  if (host !== 'browser' || permission !== 'default') return null;
  return (
    <button
      type="button"
      className="link-button notification-prompt"
      onClick={() => {
        requestNotificationPermission((answer) => setPermission(answer));
      }}
    >
      Turn on notifications
    </button>
  );
}
