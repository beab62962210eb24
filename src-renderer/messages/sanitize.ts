import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { markdownIsBounded } from './markdown-bounds';
import { type MentionMarks, markMentions } from './mentions';
import {
  ALLOWED_ATTR,
  ALLOWED_TAGS,
  BIDI_CONTROL,
  escapeHtml,
  isPlainText,
  plainBodyHtml,
  plainTextHtml,
  SAFE_URL,
} from './safe-html';

// What the rest of the app and the tests know from here, though it lives in safe-html.ts (no marked,
// no DOMPurify: it is in the first chunk, this module is not).
export { ALLOWED_ATTR, ALLOWED_TAGS, isPlainText, linkTarget, SAFE_URL } from './safe-html';

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
  if (isPlainText(content)) return plainBodyHtml(content);
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
