// @vitest-environment happy-dom
/**
 * A row whose body cannot be rendered (issue 11: one message blanked #root for every member) is
 * replaced by a note, alone. renderMessageHtml no longer throws on any content (sanitize.test.ts and
 * sanitize.fuzz.test.ts), so a failure is forced here for one content: the boundary is what is tested.
 */
import { cleanup, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { FakeRelay } from '../testing/fake-relay';
import { installLayout } from '../testing/layout';
import { renderMessageList } from '../testing/render-app';

vi.mock('./sanitize', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./sanitize')>();
  return {
    ...actual,
    renderMessageHtml: (content: string) => {
      if (content === 'cannot render') throw new RangeError('Maximum call stack size exceeded');
      return actual.renderMessageHtml(content);
    },
  };
});

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = installLayout();
  vi.spyOn(console, 'error').mockImplementation(() => {}); // React and the boundary report the error
});
afterEach(() => {
  cleanup();
  restoreLayout();
  vi.restoreAllMocks();
});

it('shows "could not be shown" in place of the one failing row; the rest of the list renders', async () => {
  const relay = new FakeRelay();
  const channel = relay.channels[0]!;
  const messages = relay.seed(channel.id, 3, (i) => (i === 1 ? { content: 'cannot render' } : {}));
  await renderMessageList(relay, messages);

  expect(screen.getAllByTestId('message')).toHaveLength(3);
  expect(screen.getAllByTestId('message-content').map((node) => node.textContent?.trim())).toEqual([
    'message 1',
    'message 3',
  ]);
  expect(screen.getAllByText('This message could not be shown.')).toHaveLength(1);
});
