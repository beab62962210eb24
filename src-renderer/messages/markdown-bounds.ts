/**
 * Whether a message is safe to hand to marked, decided before parsing. marked recurses once per
 * container level (blockquote, list item), so `'>'.repeat(2000)` overflows the stack; its emphasis
 * and link matching is super-linear in delimiter runs, so a few hundred `*a_` take tenths of a second;
 * deep nesting makes a DOM that takes seconds to sanitize and lay out; and hundreds of lines slow its
 * block lexing. A message past these
 * bounds is shown as the text that was typed (sanitize.ts), which no chat message needs to exceed.
 */

/** Container levels (blockquote `>`, list markers, and the indentation that nests list items). */
export const MAX_NESTING = 8;
/** Emphasis, strikethrough and link delimiters in one message. */
export const MAX_DELIMITERS = 256;
/** Lines: marked's block lexing grows faster than linearly with them (500 paragraphs took ~170 ms). */
export const MAX_LINES = 200;

// One container marker at the start of what is left of a line: `>`, or a list bullet / number
// followed by a blank (or the end of the line).
const CONTAINER = /^[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$))/;
const LEADING_BLANKS = /^[ \t]*/;
const DELIMITER = /[*_~[\]]/g;

export function markdownIsBounded(content: string): boolean {
  if ((content.match(DELIMITER)?.length ?? 0) > MAX_DELIMITERS) return false;
  const lines = content.split('\n');
  if (lines.length > MAX_LINES) return false;
  for (const line of lines) {
    if (nestingOf(line) > MAX_NESTING) return false;
  }
  return true;
}

/** How many containers a line opens: each marker, plus two columns of indentation per nested item. */
export function nestingOf(line: string): number {
  const indent = blankWidth(LEADING_BLANKS.exec(line)?.[0] ?? '');
  let rest = line;
  let markers = 0;
  for (let match = CONTAINER.exec(rest); match; match = CONTAINER.exec(rest)) {
    markers++;
    if (markers > MAX_NESTING) return markers;
    rest = rest.slice(match[0].length);
  }
  return markers === 0 ? 0 : markers + Math.floor(indent / 2);
}

function blankWidth(blanks: string): number {
  let width = 0;
  for (const c of blanks) width += c === '\t' ? 4 : 1;
  return width;
}
