import { type KeyboardEvent, useId, useLayoutEffect, useRef, useState } from 'react';
import { contentProblem } from '../composer/Composer';

type Props = {
  initial: string;
  onSave: (content: string) => void;
  onCancel: () => void;
};

/**
 * A message's body, editable in place: Enter saves, Shift+Enter is a new line, Esc cancels. The
 * same rules as the composer (the shared schema); saving the text unchanged is cancelling.
 */
export function MessageEditor({ initial, onSave, onCancel }: Props) {
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  const errorId = useId();
  const hintId = useId();

  // Focused with the caret at the end, where one goes on typing.
  useLayoutEffect(() => {
    const input = ref.current;
    if (!input) return;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }, []);

  function save() {
    if (text === initial) return onCancel();
    const problem = contentProblem(text);
    if (problem) return setError(problem);
    onSave(text);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      save();
    } else if (event.key === 'Escape') {
      // Only the edit ends (not the thread around it).
      event.preventDefault();
      event.stopPropagation();
      onCancel();
    }
    // The list's arrow keys are for moving between rows, not for the caret in here.
    event.stopPropagation();
  }

  return (
    <div className="message-editor">
      <textarea
        ref={ref}
        data-testid="message-edit-input"
        className="message-editor-input"
        aria-label="Edit message"
        aria-describedby={`${hintId}${error ? ` ${errorId}` : ''}`}
        aria-invalid={error !== null}
        value={text}
        rows={1}
        onChange={(event) => {
          setText(event.target.value);
          setError(null);
        }}
        onKeyDown={onKeyDown}
      />
      <div className="message-editor-bar">
        <span id={hintId} className="message-editor-hint">
          Enter to save, Esc to cancel
        </span>
        {error && (
          <span id={errorId} className="composer-error" role="alert">
            {error}
          </span>
        )}
        <button type="button" className="link-button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="send-button" onClick={save}>
          Save
        </button>
      </div>
    </div>
  );
}
