import { type KeyboardEvent, useMemo, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useCombobox } from '../dialog/use-combobox';
import { searchEmoji } from './emoji';
import { useFloatingPosition, useOutsidePress } from './floating';

/** Emoji per row of the grid: Up and Down move by this many. */
export const PICKER_COLUMNS = 8;

type Props = {
  /** The button that opened the picker: it is placed beside it, and focus goes back to it. */
  anchor: HTMLElement | null;
  onPick: (emoji: string) => void;
  onClose: () => void;
};

/**
 * A small picker over the common set: type to narrow it, arrows to move, Enter to pick, Esc to
 * close. Focus stays in the search box (the grid is its listbox, `aria-activedescendant`), so
 * typing and moving never fight over focus.
 */
export function EmojiPicker({ anchor, onPick, onClose }: Props) {
  const { listId, query, active, setActive, inputProps } = useCombobox();
  const ref = useRef<HTMLDivElement>(null);
  const results = useMemo(() => searchEmoji(query), [query]);
  const position = useFloatingPosition(anchor, ref);
  useOutsidePress(ref, onClose, anchor);
  const current = Math.min(active, Math.max(0, results.length - 1));
  const optionId = (i: number) => `${listId}-${i}`;

  function close() {
    onClose();
    anchor?.focus();
  }

  function pick(emoji: string) {
    onPick(emoji);
    close();
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const move: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: PICKER_COLUMNS,
      ArrowUp: -PICKER_COLUMNS,
    };
    const delta = move[event.key];
    // Handled here, not by the toolbar or the list around the button that opened the picker.
    if (delta !== undefined || event.key === 'Enter' || event.key === 'Escape') event.stopPropagation();
    if (delta !== undefined) {
      event.preventDefault();
      if (results.length > 0) setActive(Math.min(results.length - 1, Math.max(0, current + delta)));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const entry = results[current];
      if (entry) pick(entry.emoji);
    } else if (event.key === 'Escape') {
      // Only the picker closes (not the thread or the search behind it).
      event.preventDefault();
      close();
    } else if (event.key === 'Tab') {
      close();
    }
  }

  return createPortal(
    <div
      ref={ref}
      role="dialog"
      aria-label="Add a reaction"
      className="emoji-picker"
      data-testid="emoji-picker"
      style={{ top: position.top, left: position.left }}
    >
      <input
        type="text"
        className="emoji-search"
        aria-label="Search emoji"
        {...inputProps(true, results.length > 0 ? optionId(current) : undefined, onKeyDown)}
        placeholder="Search emoji"
        // biome-ignore lint/a11y/noAutofocus: the picker opens to be typed into (a click or a keypress on "Add reaction")
        autoFocus
      />
      <div id={listId} role="listbox" aria-label="Emoji" className="emoji-grid">
        {results.map((entry, i) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the keys are the text box's (aria-activedescendant); a click is the mouse's way
          <div
            key={entry.emoji}
            id={optionId(i)}
            role="option"
            tabIndex={-1}
            aria-selected={i === current}
            aria-label={entry.name}
            title={entry.name}
            className={`emoji-option${i === current ? ' active' : ''}`}
            // A press on an option must not move focus out of the search box first.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => pick(entry.emoji)}
          >
            {entry.emoji}
          </div>
        ))}
      </div>
      {results.length === 0 && <p className="emoji-empty">No emoji match “{query}”</p>}
    </div>,
    document.body,
  );
}
