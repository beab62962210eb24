import { useEffect } from 'react';
import { useAppStore } from '../store/context';

/** Alt+Up/Down: previous/next channel. Esc: close the thread (or the outbox) and go back to the composer. */
export function useKeyboard() {
  const store = useAppStore();
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      const state = store.getState();
      if (
        event.altKey &&
        !event.ctrlKey &&
        !event.metaKey &&
        (event.key === 'ArrowUp' || event.key === 'ArrowDown')
      ) {
        event.preventDefault();
        state.moveChannel(event.key === 'ArrowUp' ? -1 : 1);
        return;
      }
      if (event.key === 'Escape' && !event.defaultPrevented) {
        if (state.openThread) state.closeThread();
        else if (state.outboxOpen) state.setOutboxOpen(false);
        else return;
        event.preventDefault();
        focusMainComposer();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store]);
}

export function focusMainComposer() {
  // After React has removed the thread pane, so the main composer is the one found.
  queueMicrotask(() =>
    document.querySelector<HTMLElement>('.channel-pane [data-testid="message-input"]')?.focus(),
  );
}
