import { useEffect } from 'react';
import { useApp, useAppStore } from '../store/context';
import type { Toast } from '../store/types';

/** How long a toast stays: long enough to read an error, longer for a message one may act on. */
export const TOAST_MS = { error: 8_000, notification: 15_000 } as const;

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  return (
    <section className="toasts" aria-label="Notifications">
      {toasts.map((toast) => (
        <ToastCard key={toast.id} toast={toast} />
      ))}
    </section>
  );
}

function ToastCard({ toast }: { toast: Toast }) {
  const store = useAppStore();
  const dismiss = () => store.getState().dismissToast(toast.id);
  useEffect(() => {
    const timer = setTimeout(() => store.getState().dismissToast(toast.id), TOAST_MS[toast.kind]);
    return () => clearTimeout(timer);
  }, [store, toast.id, toast.kind]);

  const body = (
    <>
      <strong className="toast-title">{toast.title}</strong>
      <span className="toast-detail">{toast.detail}</span>
    </>
  );
  const target = toast.target;
  return (
    <div className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
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
