import type { Presence } from '../../src-shared/protocol';

const WORDS: Record<Presence, string> = { online: 'online', away: 'away', offline: 'offline' };

/** A person's presence: a dot, with the word for screen readers and on hover. */
export function PresenceDot({ presence }: { presence: Presence }) {
  return (
    <span
      data-testid="presence"
      data-presence={presence}
      className={`presence-dot presence-${presence}`}
      title={WORDS[presence]}
    >
      <span className="visually-hidden">{WORDS[presence]}</span>
    </span>
  );
}
