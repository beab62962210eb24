import { useEffect } from 'react';
import { linkTarget } from '../messages/sanitize';
import { useRelay } from '../store/context';

/**
 * Links in messages open outside the app, through the bridge; the window itself never navigates.
 * One listener for the whole window (rather than one per message), for clicks and middle clicks.
 */
export function useLinkInterceptor() {
  const relay = useRelay();
  useEffect(() => {
    function onClick(event: MouseEvent) {
      if (!(event.target instanceof Element)) return;
      const content = event.target.closest('[data-testid="message-content"]');
      if (!content || !event.target.closest('a')) return;
      event.preventDefault();
      const url = linkTarget(event.target, content);
      if (url && event.button !== 2) void relay.openLink({ url });
    }
    document.addEventListener('click', onClick);
    document.addEventListener('auxclick', onClick);
    return () => {
      document.removeEventListener('click', onClick);
      document.removeEventListener('auxclick', onClick);
    };
  }, [relay]);
}
