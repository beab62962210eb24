/**
 * @mentions in a rendered body: after DOMPurify has done its work, each `@name` that the message
 * really mentions becomes a pill. The pill is built here with DOM methods (a <span> with a class and
 * a test id, its text the typed `@name`), never from the message's markup, so the sanitizer's
 * allow-list stays as it is and nothing a sender writes can forge one.
 */
export type MentionMarks = {
  /** Lowercased names (usernames, and `channel` / `here`) that count as mentions in this message. */
  names: readonly string[];
  /** Those among them that mean the reader (their own name; `channel` / `here` when they are in it). */
  mine: readonly string[];
};

export const BROADCAST_MENTIONS = ['channel', 'here'] as const;

// `@` not glued to a word before it (an e-mail address is not a mention), then the name.
const MENTION = /(^|[^\p{L}\p{N}_@.])@([\p{L}\p{N}_][\p{L}\p{N}_.-]*)/gu;
const NOT_IN = new Set(['CODE', 'PRE', 'A']);

/** A key that changes when the marks would render differently (for the rendered-body cache). */
export function marksKey(marks: MentionMarks | undefined): string {
  return marks ? `${marks.names.join(' ')}|${marks.mine.join(' ')}` : '';
}

export function markMentions(root: DocumentFragment, marks: MentionMarks): void {
  if (marks.names.length === 0) return;
  const names = new Set(marks.names);
  const mine = new Set(marks.mine);
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const found: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if ((node.nodeValue ?? '').includes('@') && !insideSkipped(node)) found.push(node as Text);
  }
  for (const text of found) replaceMentions(text, names, mine);
}

function insideSkipped(node: Node): boolean {
  for (let parent = node.parentNode; parent; parent = parent.parentNode) {
    if (NOT_IN.has(parent.nodeName)) return true;
  }
  return false;
}

function replaceMentions(text: Text, names: Set<string>, mine: Set<string>): void {
  const value = text.nodeValue ?? '';
  const doc = text.ownerDocument;
  const parts: Node[] = [];
  let last = 0;
  for (const match of value.matchAll(MENTION)) {
    // A sentence may end right after a name ("thanks @bob."): the dot is not part of it.
    const name = match[2]!.replace(/[.-]+$/, '');
    const key = name.toLowerCase();
    if (!names.has(key)) continue;
    const at = match.index + match[1]!.length;
    if (at > last) parts.push(doc.createTextNode(value.slice(last, at)));
    const pill = doc.createElement('span');
    pill.className = mine.has(key) ? 'mention mention-me' : 'mention';
    pill.setAttribute('data-testid', 'mention');
    pill.textContent = `@${name}`;
    parts.push(pill);
    last = at + 1 + name.length;
  }
  if (parts.length === 0) return;
  if (last < value.length) parts.push(doc.createTextNode(value.slice(last)));
  text.replaceWith(...parts);
}
