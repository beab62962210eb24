import { useId } from 'react';

/** One emoji's reactions on a message, as the core shows them. */
export type ReactionView = { emoji: string; count: number; userIds: string[]; mine: boolean };

/** Names in a tooltip before "and N others". */
const NAMES_SHOWN = 8;

/** "You, bob and carol", "alice, bob and 3 others": who reacted, as a person would say it. */
export function reactorsText(
  userIds: readonly string[],
  nameOf: (userId: string) => string,
  me?: string,
): string {
  const names = [...userIds]
    .sort((a, b) => (a === me ? -1 : b === me ? 1 : 0))
    .map((id) => (id === me ? 'You' : nameOf(id)));
  if (names.length === 0) return '';
  if (names.length === 1) return names[0]!;
  if (names.length > NAMES_SHOWN) {
    const rest = names.length - NAMES_SHOWN;
    return `${names.slice(0, NAMES_SHOWN).join(', ')} and ${rest} ${rest === 1 ? 'other' : 'others'}`;
  }
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

type Props = {
  reactions: readonly ReactionView[];
  /** A member's name from what the store knows (a member who left shows as "someone"). */
  nameOf: (userId: string) => string;
  me?: string;
  onToggle: (emoji: string, mine: boolean) => void;
  tabIndex?: number;
};

/** The pills under a message: one per emoji, highlighted when one's own, a click adds or takes back. */
export function Reactions({ reactions, nameOf, me, onToggle, tabIndex }: Props) {
  const shown = reactions.filter((r) => r.count > 0);
  if (shown.length === 0) return null;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a row of buttons, not a form's fieldset
    <div className="reactions" role="group" aria-label="Reactions">
      {shown.map((reaction) => (
        <ReactionPill
          key={reaction.emoji}
          reaction={reaction}
          who={reactorsText(reaction.userIds, nameOf, me)}
          onToggle={onToggle}
          tabIndex={tabIndex}
        />
      ))}
    </div>
  );
}

function ReactionPill({
  reaction,
  who,
  onToggle,
  tabIndex,
}: {
  reaction: ReactionView;
  who: string;
  onToggle: Props['onToggle'];
  tabIndex: number | undefined;
}) {
  const tipId = useId();
  const { emoji, count, mine } = reaction;
  return (
    <span className="reaction-wrap">
      <button
        type="button"
        data-testid="reaction"
        data-emoji={emoji}
        data-count={count}
        className={`reaction${mine ? ' mine' : ''}`}
        aria-pressed={mine}
        aria-label={`${emoji} ${count}${mine ? ', yours: click to take it back' : ''}`}
        aria-describedby={tipId}
        tabIndex={tabIndex}
        onClick={() => onToggle(emoji, mine)}
      >
        <span className="reaction-emoji" aria-hidden="true">
          {emoji}
        </span>
        <span className="reaction-count" aria-hidden="true">
          {count}
        </span>
      </button>
      <span id={tipId} role="tooltip" className="reaction-tip">
        {who ? `${who} reacted with ${emoji}` : `Reacted with ${emoji}`}
      </span>
    </span>
  );
}
