import { useEffect } from 'react';
import { SignIn } from '../sign-in/SignIn';
import { useApp } from '../store/context';
import { Toasts } from './Toasts';
import { applyTheme } from './theme';
import { UpdateBanner } from './UpdateBanner';
import { useHashLink } from './use-hash-link';
import { Workspace } from './Workspace';

export function App() {
  const signedIn = useApp((s) => s.session?.signedIn === true);
  const unauthorized = useApp((s) => s.connection.state === 'unauthorized');
  const theme = useApp((s) => s.settings?.theme ?? 'system');
  const unread = useApp((s) => s.unreadTotal);
  useHashLink();

  // 'system' follows the OS through prefers-color-scheme; a chosen theme overrides it. main.tsx puts
  // the booted one on the page before the first render; this follows later changes.
  useEffect(() => applyTheme(theme), [theme]);

  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Relay` : 'Relay';
  }, [unread]);

  return (
    <>
      <UpdateBanner />
      {/* No splash here: main.tsx renders once booted, and index.html says "Starting Relay…" until then. */}
      {signedIn && !unauthorized ? <Workspace /> : <SignIn />}
      <Toasts />
    </>
  );
}
