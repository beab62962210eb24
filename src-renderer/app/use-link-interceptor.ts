import { useEffect } from 'react';
import { linkTarget } from '../messages/safe-html';
import { useApp, useRelay } from '../store/context';

/**
 * Links in messages open outside the app, through the bridge; the window itself never navigates.
 * One listener for the whole window (rather than one per message), for clicks and middle clicks.
 */
export function useLinkInterceptor() {
  const relay = useRelay();
  const host = useApp((s) => s.host);
  useEffect(() => {
    function onClick(event: MouseEvent) {
      if (!(event.target instanceof Element)) return;
      const content = event.target.closest('[data-testid="message-content"]');
      if (!content || !event.target.closest('a')) return;
      event.preventDefault();
      const url = linkTarget(event.target, content);
      if (!url || event.button === 2) return;
      void relay.openLink({ url });
      // The browser host's core cannot reach the user's browser; the page opens a new tab itself,
      // cut off from this one (no opener, no referrer).
      if (host === 'browser') window.open(url, '_blank', 'noopener,noreferrer');
    }
    document.addEventListener('click', onClick);
    document.addEventListener('auxclick', onClick);
    return () => {
      document.removeEventListener('click', onClick);
      document.removeEventListener('auxclick', onClick);
    };
  }, [relay, host]);
}
