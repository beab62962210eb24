// @vitest-environment happy-dom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { bob, FakeRelay, makeMessage } from '../testing/fake-relay';
import { layoutInEachTest } from '../testing/layout';
import { renderApp, settle } from '../testing/render-app';

layoutInEachTest();

async function withResults() {
  const relay = new FakeRelay();
  const [general, random] = relay.channels;
  relay.seed(general!.id, 2);
  const target = makeMessage(random!.id, { seq: 1, content: 'the release is on Friday' });
  relay.messages.set(random!.id, [target]);
  relay.searchResults = {
    offline: false,
    results: [
      {
        key: target.key,
        messageId: target.id,
        channelId: random!.id,
        channelName: random!.name,
        author: bob,
        createdAt: target.createdAt,
        // A snippet is text: markup in it must stay text.
        snippet: '<b>the</b> release is on Friday',
        matches: [{ start: 11, end: 18 }],
      },
    ],
  };
  const view = await renderApp(relay);
  return { relay, general: general!, random: random!, target, ...view };
}

it('opens from Ctrl+K (and Cmd+F) with the search box focused; Esc closes it', async () => {
  await withResults();
  fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
  await settle(1);
  const input = await screen.findByTestId('search-input');
  expect(document.activeElement).toBe(input);
  expect(screen.getByRole('dialog', { name: 'Search messages' })).toBeTruthy();
  fireEvent.keyDown(input, { key: 'Escape' });
  await settle(1);
  expect(screen.queryByTestId('search-input')).toBeNull();
  // Focus is back where it was before the dialog opened, and the page is no longer inert.
  expect(document.activeElement?.closest('[inert]')).toBeNull();
  fireEvent.keyDown(window, { key: 'f', metaKey: true });
  await settle(1);
  expect(screen.getByTestId('search-input')).toBeTruthy();
});

it('lists results with channel, author, time and the match marked as text; a click opens the message', async () => {
  const { relay, random, store, target } = await withResults();
  fireEvent.click(screen.getByRole('button', { name: /Search/ }));
  await settle(1);
  fireEvent.change(await screen.findByTestId('search-input'), { target: { value: 'release' } });
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 250));
  });
  await settle();
  expect(relay.callsOf('searchMessages')).toEqual([{ query: 'release', limit: 50 }]);
  const [result] = screen.getAllByTestId('search-result');
  expect(within(result!).getByText('#random')).toBeTruthy();
  expect(within(result!).getByText('bob')).toBeTruthy();
  expect(result!.querySelector('time')?.getAttribute('dateTime')).toBe(target.createdAt);
  expect([...result!.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['release']);
  expect(result!.querySelector('b')).toBeNull();
  expect(result!.textContent).toContain('<b>the</b> release is on Friday');

  fireEvent.click(result!);
  await settle();
  expect(screen.queryByTestId('search-input')).toBeNull();
  expect(store.getState().activeChannelId).toBe(random.id);
  // Brought into view and highlighted in its channel.
  const shown = document.querySelector(`[data-testid="message"][data-message-id="${target.id}"]`);
  expect(shown?.classList.contains('highlighted')).toBe(true);
});

it("only the newest query's answer is shown, and Enter opens the active result", async () => {
  const { relay, random, store } = await withResults();
  fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
  await settle(1);
  const input = await screen.findByTestId('search-input');
  fireEvent.change(input, { target: { value: 'rel' } });
  fireEvent.change(input, { target: { value: 'release' } });
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 250));
  });
  await settle();
  expect(relay.callsOf('searchMessages').map((c) => c.query)).toEqual(['release']);
  fireEvent.keyDown(input, { key: 'ArrowDown' });
  fireEvent.keyDown(input, { key: 'Enter' });
  await settle();
  expect(store.getState().activeChannelId).toBe(random.id);
});
