import { useEffect, useRef, useState } from 'react';
import type { MessageView } from '../../src-shared/bridge';

/**
 * The text for the list's aria-live region: a new message from someone else, as it arrives. The
 * list itself is virtualized (rows mount and unmount as it scrolls), so it cannot be the live region.
 */
export function useAnnouncement(messages: readonly MessageView[] | undefined, ready: boolean): string {
  const [text, setText] = useState('');
  const lastSeen = useRef<string | null>(null);
  const last = messages?.[messages.length - 1];
  useEffect(() => {
    if (!ready || !last) return;
    const first = lastSeen.current === null;
    if (lastSeen.current === last.key) return;
    lastSeen.current = last.key;
    if (!first && !last.own) setText(`${last.author.name}: ${last.content.slice(0, 200)}`);
  }, [ready, last]);
  return text;
}
