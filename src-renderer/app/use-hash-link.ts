/**
 * The browser host's deep links: `/#/channel/ID` opens that channel, as `relay://channel/ID` does in
 * the desktop app. Followed once signed in and the channels are known, then taken off the address so
 * a reload does not jump back; a later change of the hash is followed too.
 */
import { useEffect } from 'react';
import { Id } from '../../src-shared/protocol/schemas';
import { useApp, useAppStore } from '../store/context';

export function channelInHash(hash: string): string | null {
  const match = /^#\/channel\/([^/?#]+)\/?$/.exec(hash);
  const id = match ? decodeURIComponent(match[1]!) : '';
  return Id.safeParse(id).success ? id : null;
}

export function useHashLink(): void {
  const store = useAppStore();
  const ready = useApp((s) => s.session?.signedIn === true && s.channels.length > 0);
  useEffect(() => {
    if (!ready) return;
    const follow = () => {
      const channelId = channelInHash(window.location.hash);
      if (!channelId) return;
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
      void store.getState().navigateTo(channelId);
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [ready, store]);
}
