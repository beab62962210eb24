/**
 * @-autocomplete in the composer, as pure functions: which `@word` the caret is in, what it may
 * become, and the text once one is chosen.
 */
export type MentionQuery = { start: number; query: string };

/** A person (or `@channel` / `@here`) the composer can mention. */
export type MentionCandidate = { id: string; handle: string; label: string; detail: string };

/** Suggestions shown at once: a short list to read, the rest is one more letter away. */
export const MAX_SUGGESTIONS = 8;

const HANDLE_CHARS = /^[\p{L}\p{N}_.-]*$/u;

/** The `@word` ending at the caret (with nothing glued before the @), or null. */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  const query = before.slice(at + 1);
  if (!HANDLE_CHARS.test(query) || query.length > 64) return null;
  const previous = at > 0 ? before[at - 1]! : '';
  if (previous !== '' && !/[\s([{"'“‘,;:]/u.test(previous)) return null;
  return { start: at, query };
}

type Person = { id: string; name: string; username?: string };

/**
 * The channel's people (not oneself) and `@channel` / `@here` whose handle or name starts with the
 * query (or has a word that does), handles starting with it first.
 */
export function mentionCandidates(
  query: string,
  people: readonly Person[],
  meId?: string,
): MentionCandidate[] {
  const q = query.toLowerCase();
  const all: MentionCandidate[] = [
    ...people
      .filter((p) => p.id !== meId)
      .map((p) => {
        const handle = p.username ?? p.name;
        return { id: p.id, handle, label: `@${handle}`, detail: p.name === handle ? '' : p.name };
      }),
    { id: '@channel', handle: 'channel', label: '@channel', detail: 'Notify everyone in this channel' },
    { id: '@here', handle: 'here', label: '@here', detail: 'Notify everyone in this channel who is online' },
  ];
  const starts = (c: MentionCandidate) => c.handle.toLowerCase().startsWith(q);
  // A person's name, not the description of @channel / @here.
  const inName = (c: MentionCandidate) =>
    !c.id.startsWith('@') &&
    c.detail
      .toLowerCase()
      .split(/\s+/)
      .some((word) => word.startsWith(q));
  return [...all.filter(starts), ...all.filter((c) => !starts(c) && inName(c))].slice(0, MAX_SUGGESTIONS);
}

/** The text with the query replaced by the chosen handle and a space, and where the caret goes. */
export function insertMention(
  text: string,
  query: MentionQuery,
  handle: string,
): { text: string; caret: number } {
  const end = query.start + 1 + query.query.length;
  const inserted = `@${handle} `;
  const after = text.slice(end).replace(/^ /, '');
  return { text: text.slice(0, query.start) + inserted + after, caret: query.start + inserted.length };
}
