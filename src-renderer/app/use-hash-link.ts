/**
 * The browser host's deep links: `/#/channel/ID` opens that channel and `/#/message/ID` that message
 * (in its thread, for a reply), as `relay://…` does in the desktop app (src-shared/bridge/deep-link.ts
 * reads both). Followed once signed in and the channels are known, then taken off the address so a
 * reload does not jump back; a later change of the hash is followed too. The link reader (it checks
 * ids with the shared zod schema) loads only when there is a hash to read: not on the first screen.
 */
import { useEffect } from 'react';
import type { Result } from '../../src-shared/bridge';
import { useApp, useAppStore, useRelay } from '../store/context';

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

export function useHashLink(): void {
  const store = useAppStore();
  const relay = useRelay();
  const ready = useApp((s) => s.session?.signedIn === true && s.channels.length > 0);
  useEffect(() => {
    if (!ready) return;
    const follow = async () => {
      if (!window.location.hash) return;
      await import('../bridge/zod-jitless'); // before the schemas are built
      const { deepLinkInHash, deepLinkTarget } = await import('../../src-shared/bridge/deep-link');
      const link = deepLinkInHash(window.location.hash);
      if (!link) return;
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
      const target = await deepLinkTarget(link, {
        listChannels: async () => unwrap(await relay.listChannels(undefined)),
        listMessages: async (args) => unwrap(await relay.listMessages(args)),
      }).catch(() => null);
      if (target) await store.getState().navigateTo(target.channelId, target.messageId);
      else
        store
          .getState()
          .showError({ code: 'NOT_FOUND', message: 'That message is not in any of your channels' });
    };
    void follow();
    const onChange = () => void follow();
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, [ready, relay, store]);
}
