import type { UserSummary } from '../../src-shared/protocol';
import { useApp } from '../store/context';
import { typingText } from './typing-text';

const nobody: UserSummary[] = [];

export function TypingIndicator({ channelId }: { channelId: string }) {
  const typists = useApp((s) => s.typists[channelId] ?? nobody);
  const text = typingText(typists.map((t) => t.name));
  // The live region stays mounted so screen readers hear changes; the test id marks only real text.
  return (
    <div className="typing-line" aria-live="polite">
      {text && (
        <span data-testid="typing-indicator" className="typing-indicator">
          {text}
        </span>
      )}
    </div>
  );
}
