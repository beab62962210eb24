/**
 * A text box that owns a listbox (the ARIA combobox pattern, `aria-activedescendant`): focus stays in
 * the box while the arrows move the active option, so typing and moving never fight over focus. Used by
 * the emoji picker and the people picker; each keeps its own keys and options.
 */
import { type ChangeEvent, type KeyboardEvent, useId, useState } from 'react';

export function useCombobox() {
  const listId = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);

  /** The text box's props: typing narrows the options and makes the first one active. */
  function inputProps(
    expanded: boolean,
    activeOptionId: string | undefined,
    onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => void,
  ) {
    return {
      role: 'combobox',
      'aria-expanded': expanded,
      'aria-controls': listId,
      'aria-autocomplete': 'list' as const,
      'aria-activedescendant': activeOptionId,
      value: query,
      onChange: (event: ChangeEvent<HTMLInputElement>) => {
        setQuery(event.target.value);
        setActive(0);
      },
      onKeyDown,
    };
  }

  return { listId, query, setQuery, active, setActive, inputProps };
}
