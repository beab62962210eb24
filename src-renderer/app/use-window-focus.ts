import { useEffect } from 'react';
import { useAppStore, useRelay } from '../store/context';

/** Tells the core whether the user can see the window (it decides about read receipts and notifications). */
export function useWindowFocus() {
  const store = useAppStore();
  const relay = useRelay();
  useEffect(() => {
    const read = () => ({ focused: document.hasFocus(), visible: document.visibilityState === 'visible' });
    const update = () => store.getState().setFocus(read());
    const onFocus = () => store.getState().setFocus({ focused: true });
    const onBlur = () => store.getState().setFocus({ focused: false });
    window.addEventListener('focus', onFocus);
    window.addEventListener('blur', onBlur);
    document.addEventListener('visibilitychange', update);
    // setFocus only reports changes; the core's idea of focus starts unknown, so say it once now.
    const now = read();
    store.getState().setFocus(now);
    void relay.setWindowFocused({ focused: now.focused && now.visible });
    return () => {
      window.removeEventListener('focus', onFocus);
      window.removeEventListener('blur', onBlur);
      document.removeEventListener('visibilitychange', update);
    };
  }, [store, relay]);
}
