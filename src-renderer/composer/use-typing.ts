import { useEffect, useRef } from 'react';
import type { RelayApi } from '../../src-shared/bridge';

/** Re-announce while typing continues (the server drops a typist after 6 s without a refresh). */
const REFRESH_MS = 3_000;
/** This long without a keystroke and we are no longer typing. */
const IDLE_MS = 4_000;

/** Tells the core when the user starts and stops typing in a channel. */
export function useTyping(relay: RelayApi, channelId: string) {
  const state = useRef({ typing: false, lastSent: 0, idle: null as ReturnType<typeof setTimeout> | null });

  function stop() {
    const s = state.current;
    if (s.idle) clearTimeout(s.idle);
    s.idle = null;
    if (!s.typing) return;
    s.typing = false;
    void relay.setTyping({ channelId, isTyping: false });
  }

  function keystroke(text: string) {
    if (text.trim() === '') return stop();
    const s = state.current;
    const now = Date.now();
    if (!s.typing || now - s.lastSent >= REFRESH_MS) {
      s.typing = true;
      s.lastSent = now;
      void relay.setTyping({ channelId, isTyping: true });
    }
    if (s.idle) clearTimeout(s.idle);
    s.idle = setTimeout(stop, IDLE_MS);
  }

  // Leaving the channel (or closing the composer) ends typing there.
  // biome-ignore lint/correctness/useExhaustiveDependencies: stop reads refs only; runs per channel
  useEffect(() => stop, [channelId]);

  return { keystroke, stop };
}
