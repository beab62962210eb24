import { type KeyboardEvent, type RefObject, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../store/context';
import {
  insertMention,
  type MentionCandidate,
  type MentionQuery,
  mentionCandidates,
  mentionQueryAt,
} from './mention-query';

const noPeople: { id: string; name: string }[] = [];

/** The composer's @-suggestions: which are shown, which is active, and the keys that drive them. */
export function useMentionAutocomplete(
  channelId: string,
  inputRef: RefObject<HTMLTextAreaElement | null>,
  setText: (text: string) => void,
) {
  const members = useApp((s) => s.channels.find((c) => c.id === channelId)?.members) ?? noPeople;
  const people = useApp((s) => s.people);
  const me = useApp((s) => s.session?.user?.id);
  // The channel's members, with the username an @mention is typed with (the server parses those).
  const mentionable = useMemo(() => {
    const usernames = new Map(people.map((p) => [p.id, p.username]));
    return members.map((m) => ({ ...m, username: usernames.get(m.id) }));
  }, [members, people]);
  const [query, setQuery] = useState<MentionQuery | null>(null);
  const [active, setActive] = useState(0);
  const caretAfterRender = useRef<number | null>(null);
  const candidates = useMemo(
    () => (query ? mentionCandidates(query.query, mentionable, me) : []),
    [query, mentionable, me],
  );
  const current = Math.min(active, Math.max(0, candidates.length - 1));

  // After a pick, the caret goes after the inserted name, once React has put the new text in.
  useLayoutEffect(() => {
    const caret = caretAfterRender.current;
    if (caret === null || !inputRef.current) return;
    caretAfterRender.current = null;
    inputRef.current.setSelectionRange(caret, caret);
  });

  function update(input: HTMLTextAreaElement) {
    const next = mentionQueryAt(input.value, input.selectionStart ?? input.value.length);
    if (query?.start === next?.start && query?.query === next?.query) return;
    setQuery(next);
    setActive(0);
  }

  function pick(candidate: MentionCandidate) {
    const input = inputRef.current;
    if (!input || !query) return;
    const next = insertMention(input.value, query, candidate.handle);
    caretAfterRender.current = next.caret;
    setQuery(null);
    setText(next.text);
    input.focus();
  }

  /** Handles the key when the suggestions are open (true), else leaves it to the composer. */
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (candidates.length === 0 || event.nativeEvent.isComposing) return false;
    const { key } = event;
    if (key === 'ArrowDown' || key === 'ArrowUp') {
      const step = key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + candidates.length) % candidates.length);
    } else if ((key === 'Enter' || key === 'Tab') && !event.shiftKey) {
      const candidate = candidates[current];
      if (candidate) pick(candidate);
    } else if (key === 'Escape') {
      setQuery(null);
    } else {
      return false;
    }
    event.preventDefault();
    event.stopPropagation();
    return true;
  }

  return { candidates, active: current, update, pick, onKeyDown, close: () => setQuery(null) };
}
