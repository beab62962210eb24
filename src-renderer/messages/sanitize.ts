import DOMPurify from 'dompurify';
import { Marked } from 'marked';

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

/** Markdown → sanitized HTML, safe to set as innerHTML. */
export function renderMessageHtml(content: string): string {
  const html = markdown.parse(content, { async: false });
  return sanitizeHtml(html);
}

export function sanitizeHtml(html: string): string {
  const purify = getPurifier();
  // Fail closed: a DOM DOMPurify cannot work with gets text, not markup.
  if (!purify.isSupported) return escapeHtml(html);
  return purify.sanitize(html, {
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
  }) as string;
}

/** The URL a click on rendered content should open, or null when the click was not on a safe link. */
export function linkTarget(target: EventTarget | null, container: Element): string | null {
  if (!(target instanceof Element)) return null;
  const anchor = target.closest('a');
  if (!anchor || !container.contains(anchor)) return null;
  const href = anchor.getAttribute('href')?.trim() ?? '';
  return SAFE_URL.test(href) ? href : null;
}
