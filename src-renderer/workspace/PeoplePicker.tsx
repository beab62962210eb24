/**
 * Type-ahead over the workspace's people: a combobox whose listbox shows matches by name or username
 * (arrow keys move, Enter picks), and the picked people as removable chips. Used by the DM picker and
 * the create-channel dialog.
 */
import { type KeyboardEvent, useId } from 'react';
import type { PersonView } from '../../src-shared/bridge';
import { useCombobox } from '../dialog/use-combobox';
import { PresenceDot } from './PresenceDot';

type Props = {
  label: string;
  people: PersonView[];
  picked: string[];
  onChange(picked: string[]): void;
  autoFocus?: boolean;
};

const MAX_SHOWN = 8;

export function PeoplePicker({ label, people, picked, onChange, autoFocus }: Props) {
  const inputId = useId();
  const { listId, query, setQuery, active, setActive, inputProps } = useCombobox();
  const q = query.trim().toLowerCase();
  const matches = people
    .filter((p) => !picked.includes(p.id))
    .filter((p) => !q || p.name.toLowerCase().includes(q) || p.username.includes(q))
    .slice(0, MAX_SHOWN);
  const byId = new Map(people.map((p) => [p.id, p]));

  function pick(person: PersonView | undefined) {
    if (!person) return;
    onChange([...picked, person.id]);
    setQuery('');
    setActive(0);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (matches.length === 0 ? 0 : (i + step + matches.length) % matches.length));
    } else if (event.key === 'Enter' && q) {
      event.preventDefault();
      pick(matches[active]);
    } else if (event.key === 'Backspace' && !query && picked.length > 0) {
      onChange(picked.slice(0, -1));
    }
  }

  return (
    <div className="people-picker">
      <label htmlFor={inputId}>{label}</label>
      {picked.length > 0 && (
        <ul className="chips" aria-label="Picked">
          {picked.map((id) => (
            <li key={id} className="chip">
              {byId.get(id)?.name ?? 'Unknown'}
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${byId.get(id)?.name ?? 'person'}`}
                onClick={() => onChange(picked.filter((p) => p !== id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id={inputId}
        {...inputProps(
          matches.length > 0,
          matches[active] ? `${listId}-${matches[active].id}` : undefined,
          onKeyDown,
        )}
        autoComplete="off"
        data-autofocus={autoFocus ? true : undefined}
        placeholder="Type a name"
      />
      <div id={listId} role="listbox" aria-label="People" className="dialog-list people-options">
        {matches.map((p, i) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox's arrow keys and Enter pick options
          <div
            key={p.id}
            id={`${listId}-${p.id}`}
            role="option"
            tabIndex={-1}
            aria-selected={i === active}
            className={`dialog-row person-option${i === active ? ' active' : ''}`}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(p)}
          >
            <PresenceDot presence={p.presence} />
            <span className="dialog-row-title">{p.name}</span>
            <span className="dialog-row-detail">@{p.username}</span>
          </div>
        ))}
      </div>
      {q && matches.length === 0 && <p className="list-note">Nobody matches “{query.trim()}”.</p>}
    </div>
  );
}
