import { type SyntheticEvent, useEffect, useId, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useApp, useAppStore } from '../store/context';

type Props = {
  /** The message's text, as a reminder of what goes (plain text, cut short). */
  preview: string;
  onConfirm: () => void;
  onCancel: () => void;
};

const PREVIEW_LENGTH = 160;

/**
 * "Delete message?": a modal dialog (the browser's own <dialog>: focus kept inside, Esc cancels,
 * the page behind inert). Focus starts on Cancel, the harmless choice, and goes back to where it
 * was when the dialog closes.
 */
export function ConfirmDelete({ preview, onConfirm, onCancel }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    const before = document.activeElement as HTMLElement | null;
    // Once deleted, the button that asked is gone with the toolbar: then its row takes focus.
    const row = before?.closest<HTMLElement>('[data-testid="message"]');
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (dialog?.open) dialog.close();
      if (before?.isConnected) before.focus();
      else if (row?.isConnected) row.focus();
    };
  }, []);

  function cancel(event: SyntheticEvent) {
    event.preventDefault();
    onCancel();
  }

  const text = preview.length > PREVIEW_LENGTH ? `${preview.slice(0, PREVIEW_LENGTH)}…` : preview;
  return createPortal(
    <dialog
      ref={ref}
      role="alertdialog"
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={cancel}
      onKeyDown={(event) => {
        // The window's Esc (close the thread) must not also fire behind the dialog.
        if (event.key === 'Escape') event.stopPropagation();
      }}
    >
      <h2 id={titleId}>Delete message?</h2>
      <p id={bodyId} className="confirm-text">
        This can't be undone. Everyone in the channel will see "This message was deleted".
      </p>
      {text && <blockquote className="confirm-preview">{text}</blockquote>}
      <div className="confirm-actions">
        {/* biome-ignore lint/a11y/noAutofocus: a dialog puts focus on its harmless choice */}
        <button type="button" className="secondary-button" autoFocus onClick={cancel}>
          Cancel
        </button>
        <button
          type="button"
          data-testid="message-delete-confirm"
          className="danger-button"
          onClick={onConfirm}
        >
          Delete
        </button>
      </div>
    </dialog>,
    document.body,
  );
}

/** The one "Delete message?" of the window, for the message the store says is about to go. */
export function PendingDeletion() {
  const store = useAppStore();
  const deleting = useApp((s) => s.deleting);
  if (!deleting) return null;
  return (
    <ConfirmDelete
      key={deleting.key}
      preview={deleting.content}
      onConfirm={() => void store.getState().confirmDelete()}
      onCancel={() => store.getState().cancelDelete()}
    />
  );
}
