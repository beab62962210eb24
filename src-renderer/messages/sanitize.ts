import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { markdownIsBounded } from './markdown-bounds';
import { type MentionMarks, markMentions } from './mentions';

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

const markdown = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  // Raw HTML in a message is shown as the text that was typed ("use <br> here"), never parsed.
  renderer: {
    html: ({ text }) => escapeHtml(text),
    // No images (they would load from the web and tell the sender who read it): a link to it instead.
    image: ({ href, text }) => `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`,
  },
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

let purifier: ReturnType<typeof DOMPurify> | null = null;

function getPurifier(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  // DOMPurify checks URLs against ALLOWED_URI_REGEXP; this hook is the second lock on the door, and
  // also drops an <a> left without a usable href so it cannot look like a link.
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName !== 'A') return;
    const href = node.getAttribute('href')?.trim() ?? '';
    if (!SAFE_URL.test(href)) node.removeAttribute('href');
  });
  return purifier;
}

/**
 * Markdown → sanitized HTML, safe to set as innerHTML. Never throws: content past the Markdown bounds
 * (markdown-bounds.ts), or that marked or the sanitizer gives up on, is shown as the text typed.
 * `mentions`: the @names to show as pills (mentions.ts), added after sanitizing.
 */
export function renderMessageHtml(content: string, mentions?: MentionMarks): string {
  if (isPlainText(content)) return `<p>${content}</p>\n`;
  return renderMarkdownHtml(content, mentions);
}

/** `renderMessageHtml` without the plain-text shortcut: always through marked and DOMPurify. */
export function renderMarkdownHtml(content: string, mentions?: MentionMarks): string {
  try {
    if (markdownIsBounded(content)) return sanitizeHtml(markdown.parse(content, { async: false }), mentions);
  } catch {
    // marked overflowed or threw on this input: fall through to the text as typed.
  }
  return plainTextHtml(content);
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

/**
 * The text as typed, escaped (no markup can come out of it, so it needs no sanitizer), with its line
 * breaks, and isolated in a <bdi> when it carries bidi controls.
 */
export function plainTextHtml(content: string): string {
  const text = escapeHtml(content).replace(/\n/g, '<br>');
  return BIDI_CONTROL.test(content) ? `<p><bdi>${text}</bdi></p>` : `<p>${text}</p>`;
}

export function sanitizeHtml(html: string, mentions?: MentionMarks): string {
  const purify = getPurifier();
  // Fail closed: a DOM DOMPurify cannot work with gets text, not markup.
  if (!purify.isSupported) return escapeHtml(html);
  // null when nothing of the input survives (DOMPurify found no body to work in)
  const fragment: DocumentFragment | null = purify.sanitize(html, {
    ...PURIFY_CONFIG,
    RETURN_DOM_FRAGMENT: true,
  });
  if (!fragment) return '';
  isolateBidi(fragment);
  if (mentions) markMentions(fragment, mentions);
  const holder = fragment.ownerDocument.createElement('div');
  holder.append(fragment);
  return holder.innerHTML;
}

// Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): an unclosed RLO reverses
// everything after it in its paragraph, the rest of the message included.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/** Puts each text run carrying bidi controls in its own <bdi>, so its direction ends where it ends. */
function isolateBidi(root: DocumentFragment): void {
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const found: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (BIDI_CONTROL.test(node.nodeValue ?? '') && node.parentNode?.nodeName !== 'BDI')
      found.push(node as Text);
  }
  for (const text of found) {
    const bdi = doc.createElement('bdi');
    text.replaceWith(bdi);
    bdi.append(text);
  }
}

const PURIFY_CONFIG = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOWED_URI_REGEXP: SAFE_URL,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ALLOW_SELF_CLOSE_IN_ATTR: false,
  SAFE_FOR_TEMPLATES: false,
  WHOLE_DOCUMENT: false,
  RETURN_TRUSTED_TYPE: false,
};

/** The URL a click on rendered content should open, or null when the click was not on a safe link. */
export function linkTarget(target: EventTarget | null, container: Element): string | null {
  if (!(target instanceof Element)) return null;
  const anchor = target.closest('a');
  if (!anchor || !container.contains(anchor)) return null;
  const href = anchor.getAttribute('href')?.trim() ?? '';
  return SAFE_URL.test(href) ? href : null;
}
