// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { conversationLabel } from '../channels/conversation-label';
import { createAppStore } from '../store/app-store';
import { AppProvider } from '../store/context';
import { alice, bob, carol, FakeRelay, makeChannel } from '../testing/fake-relay';
import { settle } from '../testing/render-app';
import { Composer } from './Composer';

afterEach(cleanup);

async function renderComposerWith(prepare: (relay: FakeRelay) => void) {
  const relay = new FakeRelay({ channels: [makeChannel('general', { members: [alice, bob, carol] })] });
  prepare(relay);
  const channel = relay.channels[0]!;
  const store = createAppStore(relay.api, 'electron');
  store.setState({ channels: relay.channels, session: relay.session, people: relay.people });
  render(
    <AppProvider store={store} relay={relay.api}>
      <Composer channelId={channel.id} channelLabel={conversationLabel(channel)} />
    </AppProvider>,
  );
  await settle();
  const input = screen.getByTestId('message-input') as HTMLTextAreaElement;
  act(() => input.focus());
  return { relay, channel, input };
}

const renderComposer = () => renderComposerWith(() => {});

function type(input: HTMLTextAreaElement, value: string) {
  input.setSelectionRange(value.length, value.length);
  fireEvent.change(input, { target: { value } });
  input.setSelectionRange(value.length, value.length);
  fireEvent.select(input);
}

const options = () => screen.queryAllByRole('option').map((o) => o.textContent);

it("suggests the channel's people (not oneself), @channel and @here; Enter picks without sending", async () => {
  const { relay, input } = await renderComposer();
  type(input, 'hi @');
  expect(options()).toEqual([
    '@bob',
    '@carol',
    '@channelNotify everyone in this channel',
    '@hereNotify everyone in this channel who is online',
  ]);
  type(input, 'hi @c');
  expect(options()).toEqual(['@carol', '@channelNotify everyone in this channel']);
  expect(input.getAttribute('aria-activedescendant')).toBe(screen.getAllByRole('option')[0]!.id);
  fireEvent.keyDown(input, { key: 'ArrowDown' });
  expect(input.getAttribute('aria-activedescendant')).toBe(screen.getAllByRole('option')[1]!.id);
  fireEvent.keyDown(input, { key: 'ArrowUp' });
  fireEvent.keyDown(input, { key: 'Enter' });
  await settle(1);
  expect(input.value).toBe('hi @carol ');
  expect(screen.queryByRole('listbox')).toBeNull();
  expect(relay.callsOf('sendMessage')).toEqual([]);
  // With the list closed, Enter sends as usual.
  fireEvent.keyDown(input, { key: 'Enter' });
  await settle();
  expect(relay.callsOf('sendMessage').map((c) => c.content)).toEqual(['hi @carol ']);
});

it('closes on Esc (the key goes no further) and when the word is not a mention', async () => {
  const { input } = await renderComposer();
  type(input, '@b');
  expect(options()).toEqual(['@bob']);
  const notPrevented = fireEvent.keyDown(input, { key: 'Escape' });
  expect(notPrevented).toBe(false); // handled: default prevented
  expect(screen.queryByRole('listbox')).toBeNull();
  type(input, 'mail bob@b');
  expect(screen.queryByRole('listbox')).toBeNull();
  type(input, '@zz');
  expect(screen.queryByRole('listbox')).toBeNull();
});

it('completes the username the server parses, with the display name beside it', async () => {
  const { input } = await renderComposerWith((relay) => {
    relay.people = relay.people.map((p) => (p.id === carol.id ? { ...p, username: 'cwong' } : p));
  });
  type(input, '@cw');
  expect(options()).toEqual(['@cwongcarol']);
  fireEvent.keyDown(input, { key: 'Tab' });
  await settle(1);
  expect(input.value).toBe('@cwong ');
});
