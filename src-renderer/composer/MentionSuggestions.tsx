import type { MentionCandidate } from './mention-query';

type Props = {
  id: string;
  candidates: readonly MentionCandidate[];
  active: number;
  onPick: (candidate: MentionCandidate) => void;
};

export const optionId = (listId: string, index: number) => `${listId}-${index}`;

/**
 * The people an `@` may name, above the composer. Focus stays in the text box (it points at the
 * active option with `aria-activedescendant`); Up/Down move, Enter or Tab picks, Esc closes.
 */
export function MentionSuggestions({ id, candidates, active, onPick }: Props) {
  return (
    <div id={id} role="listbox" aria-label="People to mention" className="mention-suggestions">
      {candidates.map((candidate, index) => (
        // biome-ignore lint/a11y/useKeyWithClickEvents: the keys are the text box's (aria-activedescendant); a click is the mouse's way
        <div
          key={candidate.id}
          id={optionId(id, index)}
          role="option"
          tabIndex={-1}
          aria-selected={index === active}
          className={`mention-option${index === active ? ' active' : ''}`}
          // A press must not take focus from the text box before the click picks.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => onPick(candidate)}
        >
          <span className="mention-option-handle">{candidate.label}</span>
          {candidate.detail && <span className="mention-option-detail">{candidate.detail}</span>}
        </div>
      ))}
    </div>
  );
}
