/**
 * The one modal dialog of the app (the workspace's dialogs, "Delete message?", search): labelled by
 * its title, focus kept inside (Tab and Shift+Tab wrap), Esc closes it, and focus goes back to what
 * opened it. Its own element, not <dialog>, so it behaves the same under happy-dom in the unit tests
 * as in Chromium; like showModal(), it sits above the page (a portal into <body>) and makes the rest
 * of the page inert while it is open.
 */
import { type KeyboardEvent, type ReactNode, useEffect, useId, useLayoutEffect, useRef } from 'react';
import { createPortal } from 'react-dom';

type Props = {
  title: string;
  testId?: string;
  onClose(): void;
  children: ReactNode;
  /** 'alertdialog' for a question that needs an answer: a click beside it does not close it. */
  role?: 'dialog' | 'alertdialog';
  /** The id of the text that says what the dialog is about (an alertdialog's question). */
  describedBy?: string;
  /** The title is for assistive technology only (the dialog's own fields say what it is). */
  titleHidden?: boolean;
  /** Added to the box's `dialog` class. */
  className?: string;
  /** Where focus goes on close when the opener is gone with what closing did (say, a deleted row). */
  fallbackFocus?(opener: HTMLElement): HTMLElement | null;
};

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog({
  title,
  testId,
  onClose,
  children,
  role = 'dialog',
  describedBy,
  titleHidden = false,
  className,
  fallbackFocus,
}: Props) {
  const titleId = useId();
  const backdrop = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);

  const close = useRef(onClose);
  close.current = onClose;
  const fallback = useRef(fallbackFocus);

  const opened = useRef<HTMLElement | null>(null);
  const first = () =>
    box.current?.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(box.current)[0];

  // Focus moves in the commit that puts the dialog on the page. A passive effect runs a task later
  // when the dialog comes from a lazy chunk, and a keystroke in that gap went to the page behind it
  // (Dialog.test.tsx). Giving focus back stays in the passive effect's cleanup: React restores the
  // focus it saw before a commit once the commit is done, which would undo a layout cleanup's.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on open
  useLayoutEffect(() => {
    opened.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    first()?.focus();
    // Esc closes wherever focus is (a button disabled while busy drops it to the page), from the same
    // commit as the focus: in the passive effect's gap an Esc was lost (Dialog.test.tsx).
    const onEscape = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      // The window's own Esc (close the thread, say) must not also fire behind the dialog.
      event.stopPropagation();
      event.preventDefault();
      close.current();
    };
    document.addEventListener('keydown', onEscape, true);
    return () => document.removeEventListener('keydown', onEscape, true);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on open
  useEffect(() => {
    const opener = opened.current;
    const instead = opener ? (fallback.current?.(opener) ?? null) : null;
    const restoreInert = makeTheRestInert(backdrop.current);
    // Focus that wanders outside is brought back in.
    const onFocusIn = (event: FocusEvent) => {
      if (event.target instanceof Node && !box.current?.contains(event.target)) first()?.focus();
    };
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('focusin', onFocusIn);
      restoreInert();
      if (opener?.isConnected) opener.focus();
      else if (instead?.isConnected) instead.focus();
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

  const closeBeside = role === 'dialog';
  return createPortal(
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog closes it, as Esc does from the keyboard
    <div
      ref={backdrop}
      className="dialog-backdrop"
      onMouseDown={(e) => closeBeside && e.target === e.currentTarget && onClose()}
    >
      {/* biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useAriaPropsSupportedByRole: role is a prop, dialog or alertdialog, and both take aria-modal and keys */}
      <div
        ref={box}
        role={role}
        aria-modal="true"
        aria-labelledby={titleHidden ? undefined : titleId}
        aria-label={titleHidden ? title : undefined}
        aria-describedby={describedBy}
        data-testid={testId}
        className={className ? `dialog ${className}` : 'dialog'}
        onKeyDown={onKeyDown}
      >
        {!titleHidden && (
          <header className="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </header>
        )}
        {children}
      </div>
    </div>,
    document.body,
  );
}

/** Everything else in <body> inert while the dialog is open (as showModal() does); undone after. */
function makeTheRestInert(own: HTMLElement | null): () => void {
  const made = [...document.body.children].filter(
    (el): el is HTMLElement => el instanceof HTMLElement && el !== own && !el.inert,
  );
  for (const el of made) el.inert = true;
  return () => {
    for (const el of made) el.inert = false;
  };
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
