/**
 * A search result's text with the query's words marked, as parts for React to render (text nodes
 * and <mark>s): nothing from the server is ever parsed as HTML.
 */
export type Part = { text: string; match: boolean };

export function queryWords(query: string): string[] {
  return [...new Set(query.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [])].sort(
    (a, b) => b.length - a.length,
  );
}

function wordsPattern(words: readonly string[]): RegExp | null {
  if (words.length === 0) return null;
  return new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
}

/** `text` split into the parts that match a word of `query` (case-insensitive) and those between. */
export function highlightParts(text: string, query: string): Part[] {
  const pattern = wordsPattern(queryWords(query));
  if (!pattern) return text ? [{ text, match: false }] : [];
  const parts: Part[] = [];
  let last = 0;
  for (const found of text.matchAll(pattern)) {
    if (found[0].length === 0) continue;
    if (found.index > last) parts.push({ text: text.slice(last, found.index), match: false });
    parts.push({ text: found[0], match: true });
    last = found.index + found[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts;
}

/**
 * `text` split by the core's match ranges ([start, end), as SearchResult gives them). Ranges out of
 * bounds are clipped and overlapping ones merged: a bad range can cost a highlight, never text.
 * Without ranges, the words of `query` are marked instead.
 */
export function rangeParts(
  text: string,
  ranges: readonly { start: number; end: number }[],
  query = '',
): Part[] {
  if (ranges.length === 0) return highlightParts(text, query);
  const sorted = ranges
    .map((r) => ({
      start: Math.max(0, Math.min(r.start, text.length)),
      end: Math.max(0, Math.min(r.end, text.length)),
    }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const parts: Part[] = [];
  let last = 0;
  for (const range of sorted) {
    const start = Math.max(range.start, last);
    if (range.end <= start) continue;
    if (start > last) parts.push({ text: text.slice(last, start), match: false });
    parts.push({ text: text.slice(start, range.end), match: true });
    last = range.end;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts;
}
