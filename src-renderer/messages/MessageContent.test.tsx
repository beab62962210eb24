// @vitest-environment jsdom
/**
 * marked and DOMPurify are not in the first chunk (markdown-loader.ts): a body that needs them is the
 * text as typed (React text, no HTML) until they are in, then its sanitized Markdown; a plain body
 * needs neither and is final at once.
 */
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { MessageContent } from './MessageContent';
import { loadMarkdown, markdownRenderer } from './markdown-loader';

afterEach(cleanup);

it('shows Markdown as the text typed until its renderer is in, then rendered and sanitized', async () => {
  expect(markdownRenderer()).toBeNull();
  const typed = '**bold** and <img src=x onerror=alert(1)>';
  const { container } = render(<MessageContent content={typed} />);
  const body = () => container.querySelector('[data-testid="message-content"]')!;
  // Asked for by the row itself: nothing else loads it in this test.
  expect(body().classList.contains('plain')).toBe(true);
  expect(body().textContent).toBe(typed);
  expect(body().querySelector('strong, img')).toBeNull();

  await act(() => loadMarkdown());
  expect(body().classList.contains('plain')).toBe(false);
  expect(body().querySelector('strong')!.textContent).toBe('bold');
  expect(body().querySelector('img')).toBeNull();
});

it('renders a plain body at once, as the full path would', async () => {
  const { container } = render(<MessageContent content="Lunch at noon?" />);
  const body = container.querySelector('[data-testid="message-content"]')!;
  expect(body.classList.contains('plain')).toBe(false);
  const { renderMessageHtml } = await loadMarkdown();
  expect(body.innerHTML).toBe(renderMessageHtml('Lunch at noon?'));
});
