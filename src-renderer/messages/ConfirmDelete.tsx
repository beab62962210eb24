import { useId } from 'react';
import { Dialog } from '../dialog/Dialog';
import { useApp, useAppStore } from '../store/context';

type Props = {
  /** The message's text, as a reminder of what goes (plain text, cut short). */
  preview: string;
  onConfirm: () => void;
  onCancel: () => void;
};

const PREVIEW_LENGTH = 160;

/**
 * "Delete message?": an alertdialog (the app's one Dialog: focus kept inside, Esc cancels, the page
 * behind inert). Focus starts on Cancel, the harmless choice, and goes back to where it was when the
 * dialog closes; once deleted, the button that asked is gone with the toolbar: then its row takes focus.
 */
export function ConfirmDelete({ preview, onConfirm, onCancel }: Props) {
  const bodyId = useId();
  const text = preview.length > PREVIEW_LENGTH ? `${preview.slice(0, PREVIEW_LENGTH)}…` : preview;
  return (
    <Dialog
      title="Delete message?"
      role="alertdialog"
      describedBy={bodyId}
      className="confirm-dialog"
      onClose={onCancel}
      fallbackFocus={(opener) => opener.closest<HTMLElement>('[data-testid="message"]')}
    >
      <p id={bodyId} className="confirm-text">
        This can't be undone. Everyone in the channel will see "This message was deleted".
      </p>
      {text && <blockquote className="confirm-preview">{text}</blockquote>}
      <div className="confirm-actions">
        <button type="button" className="secondary-button" data-autofocus onClick={onCancel}>
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
    </Dialog>
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
