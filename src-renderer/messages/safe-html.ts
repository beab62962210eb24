/**
 * What the first frame needs of message rendering, without marked or DOMPurify (sanitize.ts, loaded
 * in a chunk of its own: markdown-loader.ts): the allow-list, the plain-text shortcut, the text as
 * typed, and which clicks are on safe links. Nothing here turns input into markup.
 */
/**
 * Message bodies are written by other people: render them as Markdown, then keep only a small
 * allow-list. No images (they would fetch from the web and track readers), no styles, no event
 * handlers, and links only to http(s) and mailto. Link clicks are handled by the caller (they open
 * outside the app through the bridge); nothing here can navigate the window.
 */
export const ALLOWED_TAGS = [
  'p',
  'b',
  'i',
  'em',
  'strong',
  'a',
  'code',
  'pre',
  'ul',
  'ol',
  'li',
  'blockquote',
  'br',
  // Markdown headings and ~~strikethrough~~ (styled small in app.css: a heading never dwarfs the chat).
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'del',
  's',
  // Added by the sanitizer itself around text carrying bidi controls (isolateBidi), never from input.
  'bdi',
];
export const ALLOWED_ATTR = ['href'];
export const SAFE_URL = /^(?:https?:|mailto:)/i;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One line of words, numbers, emoji and punctuation that means nothing to Markdown, starting with a
 * letter or an emoji and ending without a blank: what most chat messages are. marked makes of it one
 * <p> holding the same text and DOMPurify keeps it as it is (sanitize.test.ts checks that both ways
 * give the same string), so `renderMessageHtml` skips both: DOMPurify builds a document per call,
 * which was most of a plain row's cost in the first frame (BENCHMARKS.md, branch paint8). Nothing in
 * the alphabet is markup or needs escaping in HTML: no `&<>`, no Markdown delimiters or escapes, no
 * `@` (mentions and e-mail links), no `://` or `www.` (links), no line breaks, no bidi controls.
 */
const PLAIN_TEXT =
  /^[\p{L}\p{Extended_Pictographic}](?:[\p{L}\p{M}\p{N}\p{Extended_Pictographic} ,.?!'";:()/%$#=+-]|\u200d)*(?<! )$/u;
const LINK_START = /:\/\/|www\./i;

export function isPlainText(content: string): boolean {
  return PLAIN_TEXT.test(content) && !LINK_START.test(content);
}

/** What marked and DOMPurify make of a body `isPlainText` accepts (sanitize.test.ts checks it). */
export function plainBodyHtml(content: string): string {
  return `<p>${content}</p>\n`;
}

/**
 * The text as typed, escaped (no markup can come out of it, so it needs no sanitizer), with its line
 * breaks, and isolated in a <bdi> when it carries bidi controls.
 */
export function plainTextHtml(content: string): string {
  const text = escapeHtml(content).replace(/\n/g, '<br>');
  return BIDI_CONTROL.test(content) ? `<p><bdi>${text}</bdi></p>` : `<p>${text}</p>`;
}

// Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): an unclosed RLO reverses
// everything after it in its paragraph, the rest of the message included.
export const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/** The URL a click on rendered content should open, or null when the click was not on a safe link. */
export function linkTarget(target: EventTarget | null, container: Element): string | null {
  if (!(target instanceof Element)) return null;
  const anchor = target.closest('a');
  if (!anchor || !container.contains(anchor)) return null;
  const href = anchor.getAttribute('href')?.trim() ?? '';
  return SAFE_URL.test(href) ? href : null;
}
