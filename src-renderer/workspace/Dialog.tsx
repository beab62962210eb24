/**
 * A modal dialog: labelled by its title, focus kept inside (Tab and Shift+Tab wrap), Esc or the
 * backdrop closes it, and focus goes back to what opened it. Its own element, not <dialog>, so it
 * behaves the same under happy-dom in the unit tests as in Chromium.
 */
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef } from 'react';

type Props = {
  title: string;
  testId: string;
  onClose(): void;
  children: ReactNode;
};

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog({ title, testId, onClose, children }: Props) {
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);

  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = () =>
      box.current?.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(box.current)[0];
    first()?.focus();
    // Esc closes wherever focus is (a button disabled while busy drops it to the page), and focus that
    // wanders outside (a click on the page behind) is brought back in.
    const onEscape = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      close.current();
    };
    const onFocusIn = (event: FocusEvent) => {
      if (event.target instanceof Node && !box.current?.contains(event.target)) first()?.focus();
    };
    document.addEventListener('keydown', onEscape, true);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('keydown', onEscape, true);
      document.removeEventListener('focusin', onFocusIn);
      opener?.focus();
    };
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== 'Tab') return;
    const list = focusables(box.current);
    const first = list[0];
    const last = list.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog closes it, as Esc does from the keyboard
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={box}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        className="dialog"
        onKeyDown={onKeyDown}
      >
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

function focusables(root: HTMLElement | null): HTMLElement[] {
  return root ? [...root.querySelectorAll<HTMLElement>(FOCUSABLE)] : [];
}

/** A failure said in place, read out when it appears. */
export function DialogError({ error }: { error: { title: string; detail: string } | null }) {
  return (
    <p className="dialog-error" role="alert">
      {error ? `${error.title}: ${error.detail}` : ''}
    </p>
  );
}

/** Cancel, and the dialog's one action (a submit button unless `onConfirm` is given). */
export function DialogActions({
  label,
  disabled,
  onCancel,
  onConfirm,
  danger,
}: {
  label: string;
  disabled: boolean;
  onCancel(): void;
  onConfirm?(): void;
  danger?: boolean;
}) {
  return (
    <div className="dialog-actions">
      <button
        type="button"
        className="secondary"
        data-autofocus={danger ? true : undefined}
        onClick={onCancel}
      >
        Cancel
      </button>
      <button
        type={onConfirm ? 'button' : 'submit'}
        className={`primary${danger ? ' danger-button' : ''}`}
        disabled={disabled}
        onClick={onConfirm}
      >
        {label}
      </button>
    </div>
  );
}
