// @vitest-environment jsdom
// jsdom, not happy-dom: DOMPurify walks the DOM with a NodeIterator, and happy-dom's differs from
// browsers' enough to skip nodes. jsdom is DOMPurify's own test DOM.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_TAGS,
  isPlainText,
  linkTarget,
  renderMarkdownHtml,
  renderMessageHtml,
  sanitizeHtml,
} from './sanitize';
import { OWASP_XSS_PAYLOADS } from './xss-payloads';

const DANGEROUS_URL = /^\s*(?:javascript|data|vbscript):/i;

function parse(html: string): HTMLElement {
  const container = document.createElement('div');
  container.innerHTML = html;
  return container;
}

/** Every problem a rendered payload shows; an empty list means it is safe. */
function problems(html: string): string[] {
  const found: string[] = [];
  for (const element of parse(html).querySelectorAll('*')) {
    const tag = element.tagName.toLowerCase();
    if (!ALLOWED_TAGS.includes(tag)) found.push(`tag <${tag}>`);
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on')) found.push(`handler ${name}`);
      else if (name === 'style') found.push('style attribute');
      else if (name !== 'href') found.push(`attribute ${name}`);
      else if (DANGEROUS_URL.test(attribute.value) || !/^(?:https?:|mailto:)/i.test(attribute.value)) {
        found.push(`href ${attribute.value}`);
      }
    }
  }
  if (/<\s*(script|style|img|iframe|svg|object|embed)\b/i.test(html))
    found.push('raw dangerous tag in output');
  return found;
}

describe('renderMessageHtml', () => {
  it('has at least 40 OWASP filter-evasion payloads to check', () => {
    expect(OWASP_XSS_PAYLOADS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(OWASP_XSS_PAYLOADS.map((payload, index) => [index, payload] as const))(
    'payload %i leaves no script, handler, dangerous URL or style',
    (_index, payload) => {
      expect(problems(renderMessageHtml(payload))).toEqual([]);
    },
  );

  // Markdown escapes raw HTML first; DOMPurify must hold on its own too (defence in depth).
  it.each(OWASP_XSS_PAYLOADS.map((payload, index) => [index, payload] as const))(
    'payload %i given to DOMPurify as raw HTML leaves nothing dangerous',
    (_index, payload) => {
      expect(problems(sanitizeHtml(payload))).toEqual([]);
    },
  );

  it('the checker itself notices each kind of danger', () => {
    expect(problems('<script>alert(1)</script>')).not.toEqual([]);
    expect(problems('<b onclick="x()">b</b>')).toEqual(['handler onclick']);
    expect(problems('<a href="javascript:alert(1)">a</a>')).toEqual(['href javascript:alert(1)']);
    expect(problems('<a href="data:text/html,x">a</a>')).toEqual(['href data:text/html,x']);
    expect(problems('<p style="color:red">p</p>')).toEqual(['style attribute']);
  });

  it('keeps the allowed formatting', () => {
    const html = renderMessageHtml('**bold** _it_ `code`\n\n- one\n- two\n\n> quoted\n\n```\nblock\n```');
    const root = parse(html);
    for (const tag of ['strong', 'em', 'code', 'ul', 'li', 'blockquote', 'pre']) {
      expect(root.querySelector(tag), tag).not.toBeNull();
    }
  });

  it('keeps headings and strikethrough (issue 12: they rendered as unstyled text)', () => {
    const root = parse(renderMessageHtml('# Release\n\n### notes\n\n~~cancelled~~'));
    expect(root.querySelector('h1')?.textContent).toBe('Release');
    expect(root.querySelector('h3')?.textContent).toBe('notes');
    expect(root.querySelector('del')?.textContent).toBe('cancelled');
  });

  it('keeps http(s) and mailto links, and nothing but their href', () => {
    const root = parse(renderMessageHtml('[site](https://example.com "t") and <mailto:a@example.com>'));
    const hrefs = Array.from(root.querySelectorAll('a')).map((a) => a.getAttribute('href'));
    expect(hrefs).toEqual(['https://example.com', 'mailto:a@example.com']);
    for (const a of root.querySelectorAll('a')) expect(a.getAttributeNames()).toEqual(['href']);
  });

  it('turns a single newline into a line break (Shift+Enter in the composer)', () => {
    expect(parse(renderMessageHtml('one\ntwo')).querySelector('br')).not.toBeNull();
  });

  it('shows no image, but a link to it named by its alt text', () => {
    const html = renderMessageHtml('![a cat](https://example.com/cat.png)');
    expect(html).not.toMatch(/<img/i);
    const link = parse(html).querySelector('a');
    expect(link?.textContent).toBe('a cat');
    expect(link?.getAttribute('href')).toBe('https://example.com/cat.png');
  });

  it('keeps a message of plain text word for word', () => {
    const text = 'Deploy at 5 <after> lunch & "coffee" <br>';
    expect(parse(renderMessageHtml(text)).textContent?.trim()).toBe(text);
  });
});

describe('plain text past marked and DOMPurify (first paint, branch paint8)', () => {
  const plain = [
    'ok',
    'Lunch at noon? #12',
    'Deploy is green, rolling out to the canary fleet now. #3',
    'The p99 went from 4 ms to 1.2 ms after batching the fsyncs, nice work everyone.',
    'Très bien (merci) : à demain !',
    'Привет, как дела?',
    'こんにちは 3時から',
    '👍 shipped 🎉',
    'see it/that = 50% of $10 + tax',
  ];
  const notPlain = [
    '',
    ' leading blank',
    'trailing blank ',
    '1. a list',
    '2026 was a year',
    '- a list',
    '# a heading',
    '> a quote',
    '**bold**',
    'snake_case',
    'a `code` span',
    'see https://example.com',
    'see www.example.com',
    'ask @bob',
    'mail bob@example.com',
    'a <b>tag</b>',
    'fish & chips',
    'escape \\* this',
    'two\nlines',
    'a [link](x)',
    'a ~~strike~~',
    'a|table',
    'a\u202etxt',
    'tab\there',
    'nbsp\u00a0here',
  ];

  it('takes only messages whose Markdown is one paragraph of the same text', () => {
    for (const text of plain) expect(isPlainText(text), text).toBe(true);
    for (const text of notPlain) expect(isPlainText(text), JSON.stringify(text)).toBe(false);
  });

  it('gives exactly what marked and DOMPurify give, for the examples and generated text', () => {
    for (const text of [...plain, ...notPlain])
      expect(renderMessageHtml(text)).toBe(renderMarkdownHtml(text));
    // Biased to the plain alphabet's edges: delimiters, link and list starts, blanks, emoji joins.
    const piece = fc.constantFrom(
      ...'aZé日 ,.?!\'";:()/%$#=+-0123456789'.split(''),
      '👍',
      '👩\u200d💻',
      '\u0301',
      '  ',
      'http://x.io',
      'www.',
      'ftp://',
      '1.',
      '@',
      '*',
      '_',
      '<',
      '&',
      '\n',
      '\u00a0',
    );
    // Other text takes the same path both ways: only the shortcut's answers need comparing.
    let compared = 0;
    fc.assert(
      fc.property(fc.constantFrom('a', 'É', '👍'), fc.array(piece, { maxLength: 24 }), (first, pieces) => {
        const text = first + pieces.join('');
        if (!isPlainText(text)) return;
        compared++;
        expect(renderMessageHtml(text)).toBe(renderMarkdownHtml(text));
      }),
      { numRuns: 1_000 },
    );
    expect(compared).toBeGreaterThan(100);
  });

  it('still marks mentions and links (they never take the shortcut)', () => {
    const marks = { names: ['bob'], mine: [] };
    expect(renderMessageHtml('ask @bob', marks)).toContain('data-testid="mention"');
    expect(renderMessageHtml('see https://example.com')).toContain('<a href="https://example.com"');
  });
});

describe('linkTarget', () => {
  it('finds the safe link a click landed in, inside the container only', () => {
    const root = parse('<p><a href="https://example.com"><b>go</b></a> <a>bare</a></p>');
    const bold = root.querySelector('b')!;
    expect(linkTarget(bold, root)).toBe('https://example.com');
    expect(linkTarget(root.querySelectorAll('a')[1]!, root)).toBeNull();
    expect(linkTarget(root.querySelector('p'), root)).toBeNull();
  });
});

describe('content that cannot be parsed safely (issue 11)', () => {
  it("renders '>'.repeat(2000) (which overflowed marked's stack) as the text typed", () => {
    const content = '>'.repeat(2000);
    const root = parse(renderMessageHtml(content));
    expect(root.textContent).toBe(content);
    expect(root.querySelector('blockquote')).toBeNull();
  });

  it.each([
    ['> '.repeat(1000)],
    ['- >'.repeat(666)],
    ['1. '.repeat(666)],
    ['*a_'.repeat(666)],
    ['[a'.repeat(1000)],
    ['ab\n\n'.repeat(500)],
  ])('shows deep nesting or long delimiter runs as the text typed (%#)', (content) => {
    const root = parse(renderMessageHtml(content));
    expect(root.textContent).toBe(content.replaceAll('\n', '')); // line breaks are <br>
    expect(root.querySelectorAll('blockquote, ul, ol, em, strong').length).toBe(0);
    expect(problems(root.innerHTML)).toEqual([]);
  });

  it('still renders the nesting a chat message uses', () => {
    const root = parse(renderMessageHtml('> quoted\n> > twice\n\n- a\n  - b\n    - c'));
    expect(root.querySelectorAll('blockquote').length).toBe(2);
    expect(root.querySelectorAll('ul').length).toBe(3);
  });

  it('shows a message of hundreds of lines as the text typed, line by line', () => {
    const root = parse(renderMessageHtml('a\n'.repeat(1000)));
    expect(root.querySelectorAll('br').length).toBe(1000);
    expect(root.textContent).toBe('a'.repeat(1000));
  });

  it('escapes markup in the plain-text fallback and keeps its line breaks', () => {
    const content = `${'>'.repeat(40)}<img src=x onerror=alert(1)>\nnext`;
    const root = parse(renderMessageHtml(content));
    expect(root.querySelector('img')).toBeNull();
    expect(root.querySelector('br')).not.toBeNull();
    expect(problems(root.innerHTML)).toEqual([]);
  });
});

describe('bidi controls (issue 11)', () => {
  it('isolates a right-to-left override in its own <bdi>, so it ends with its text', () => {
    const root = parse(renderMessageHtml('before \u202Eevil **after**'));
    const bdi = root.querySelector('bdi');
    expect(bdi?.textContent).toBe('before \u202Eevil ');
    expect(root.querySelector('strong')?.closest('bdi')).toBeNull();
  });

  it('leaves text without bidi controls alone', () => {
    expect(renderMessageHtml('plain עברית text')).not.toContain('<bdi>');
  });
});
