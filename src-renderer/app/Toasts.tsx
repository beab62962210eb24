import { useEffect } from 'react';
import { useApp, useAppStore } from '../store/context';
import type { Toast } from '../store/types';

export const TOAST_MS = 8_000;

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
    const timer = setTimeout(() => store.getState().dismissToast(toast.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [store, toast.id]);

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
