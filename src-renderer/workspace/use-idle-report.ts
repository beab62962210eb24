/**
 * Page activity for presence (issue 13): after IDLE_AFTER_MS without input in the window the core
 * hears `setIdle(true)` (shown to others as away), and `false` at the next input. In the desktop app
 * the core prefers the system's idle time, which also sees input in other apps.
 */
import { useEffect } from 'react';
import { IDLE_AFTER_MS } from '../../src-shared/bridge/limits';
import { useRelay } from '../store/context';

const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart', 'focus'] as const;

export function useIdleReport(idleAfterMs = IDLE_AFTER_MS): void {
  const relay = useRelay();
  useEffect(() => {
    let idle = false;
    let timer = setTimeout(goIdle, idleAfterMs);
    function goIdle() {
      idle = true;
      void relay.setIdle({ idle: true });
    }
    function activity() {
      clearTimeout(timer);
      timer = setTimeout(goIdle, idleAfterMs);
      if (idle) {
        idle = false;
        void relay.setIdle({ idle: false });
      }
    }
    for (const event of INPUT_EVENTS)
      window.addEventListener(event, activity, { passive: true, capture: true });
    return () => {
      clearTimeout(timer);
      for (const event of INPUT_EVENTS) window.removeEventListener(event, activity, { capture: true });
    };
  }, [relay, idleAfterMs]);
}
