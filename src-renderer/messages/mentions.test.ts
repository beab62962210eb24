// @vitest-environment jsdom
// jsdom, as sanitize.test.ts: the pills are added to DOMPurify's output.
import { describe, expect, it } from 'vitest';
import { renderMessageHtml } from './sanitize';
import { OWASP_XSS_PAYLOADS } from './xss-payloads';

const marks = { names: ['bob', 'alice', 'channel', 'here'], mine: ['alice', 'channel', 'here'] };

function render(content: string, withMarks = marks): HTMLElement {
  const container = document.createElement('div');
  container.innerHTML = renderMessageHtml(content, withMarks);
  return container;
}

function pills(container: HTMLElement): { text: string; me: boolean }[] {
  return [...container.querySelectorAll('[data-testid="mention"]')].map((pill) => ({
    text: pill.textContent ?? '',
    me: pill.classList.contains('mention-me'),
  }));
}

describe('mention pills', () => {
  it("turns the mentioned @names into pills, one's own highlighted, keeping the text around them", () => {
    const container = render('hi @bob and @Alice, see @channel. thanks @bob.');
    expect(pills(container)).toEqual([
      { text: '@bob', me: false },
      { text: '@Alice', me: true },
      { text: '@channel', me: true },
      { text: '@bob', me: false },
    ]);
    expect(container.textContent?.trim()).toBe('hi @bob and @Alice, see @channel. thanks @bob.');
  });

  it('leaves names the message does not mention, e-mail addresses, code and links alone', () => {
    const container = render(
      '@carol wrote to bob@example.com: `@bob` and [@bob](https://example.com)\n\n```\n@alice\n```',
    );
    expect(pills(container)).toEqual([]);
  });

  it('works inside Markdown (bold, lists, quotes)', () => {
    expect(pills(render('**@bob** look\n- @here\n> @alice'))).toEqual([
      { text: '@bob', me: false },
      { text: '@here', me: true },
      { text: '@alice', me: true },
    ]);
  });

  it('cannot be forged: a span typed in a message stays text, and no payload gets past with marks on', () => {
    const forged = render('<span data-testid="mention" class="mention">@nobody</span>');
    expect(pills(forged)).toEqual([]);
    for (const payload of OWASP_XSS_PAYLOADS) {
      const container = render(`@bob ${payload} @alice`);
      for (const element of container.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
          expect(['href', 'class', 'data-testid']).toContain(attribute.name);
          if (attribute.name !== 'href') expect(element.tagName).toBe('SPAN');
        }
      }
    }
  });

  it('renders no pills without marks (as before)', () => {
    expect(pills(render('@bob', { names: [], mine: [] }))).toEqual([]);
    const container = document.createElement('div');
    container.innerHTML = renderMessageHtml('@bob');
    expect(pills(container)).toEqual([]);
  });
});
