import { useState } from 'react';
import { useApp } from '../store/context';
import { requestNotificationPermission } from './browser-notification';

/**
 * The browser host can only show notifications the user allowed, and browsers only ask from a
 * click: offer the question once, politely, instead of asking on page load.
 */
export function NotificationPrompt() {
  const host = useApp((s) => s.host);
  // Read only where it matters: in Chromium each read of `Notification.permission` waits on the
  // browser process (a synchronous call), and the desktop app's window never shows the prompt.
  const [permission, setPermission] = useState(() =>
    host !== 'browser' || typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
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
