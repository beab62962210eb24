import { useEffect, useState } from 'react';
import { useApp, useAppStore } from '../store/context';
import type { Toast } from '../store/types';

/** How long a toast stays: long enough to read an error; a message's stays 5 s (it is also unread). */
export const TOAST_MS = { error: 8_000, notification: 5_000 } as const;

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  // With a thread or the outbox open the toasts move over to the channel's side: never over the
  // thread's parent message (nor, being at the top, over a composer).
  const panel = useApp((s) => s.openThread !== null || s.outboxOpen);
  return (
    <section className={`toasts${panel ? ' beside-panel' : ''}`} aria-label="Notifications">
      {toasts.map((toast) => (
        <ToastCard key={toast.id} toast={toast} />
      ))}
    </section>
  );
}

function ToastCard({ toast }: { toast: Toast }) {
  const store = useAppStore();
  const dismiss = () => store.getState().dismissToast(toast.id);
  // The time runs out only while nobody is on it: hovering or focusing a toast holds it (WCAG 2.2.1).
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (held) return;
    const timer = setTimeout(() => store.getState().dismissToast(toast.id), TOAST_MS[toast.kind]);
    return () => clearTimeout(timer);
  }, [store, toast.id, toast.kind, held]);

  const body = (
    <>
      <strong className="toast-title">{toast.title}</strong>
      <span className="toast-detail">{toast.detail}</span>
    </>
  );
  const target = toast.target;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a status/alert region; hover and focus only hold its timer
    <div
      className={`toast toast-${toast.kind}`}
      role={toast.kind === 'error' ? 'alert' : 'status'}
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      {target ? (
        <button
          type="button"
          className="toast-body"
          onClick={() => {
            dismiss();
            void store.getState().navigateTo(target.channelId, target.messageId);
          }}
        >
          {body}
        </button>
      ) : (
        <div className="toast-body">{body}</div>
      )}
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
