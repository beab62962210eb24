// @vitest-environment happy-dom
import { fireEvent, screen } from '@testing-library/react';
import { expect, it } from 'vitest';
import { FakeRelay } from '../testing/fake-relay';
import { layoutInEachTest } from '../testing/layout';
import { renderApp, settle } from '../testing/render-app';

layoutInEachTest();

it("sets the channel's notifications from its header: all, mentions, nothing or muted", async () => {
  const relay = new FakeRelay();
  const general = relay.channels[0]!;
  await renderApp(relay);
  const select = screen.getByLabelText('Notify') as HTMLSelectElement;
  expect(select.value).toBe('all');
  fireEvent.change(select, { target: { value: 'mentions' } });
  await settle();
  fireEvent.change(select, { target: { value: 'mute' } });
  await settle();
  expect(relay.callsOf('setChannelPreferences')).toEqual([
    { channelId: general.id, notify: 'mentions', muted: false },
    { channelId: general.id, muted: true },
  ]);
  expect((screen.getByLabelText('Notify') as HTMLSelectElement).value).toBe('mute');
  fireEvent.change(select, { target: { value: 'none' } });
  await settle();
  expect((screen.getByLabelText('Notify') as HTMLSelectElement).value).toBe('none');
});

it('shows mentions apart from the unread count in the channel list', async () => {
  const relay = new FakeRelay();
  const random = relay.channels[1]!;
  random.unreadCount = 5;
  random.mentionCount = 2;
  await renderApp(relay);
  const item = screen.getAllByTestId('channel-item')[1]!;
  expect(item.getAttribute('aria-label')).toBe('random, 5 unread, 2 mentions');
  expect(item.querySelector('.mention-badge')?.textContent).toBe('@2');
  expect(item.querySelector('.unread-badge')?.textContent).toBe('5');
  relay.emit('unread', { channelId: random.id, unreadCount: 6, total: 6, mentionCount: 3 });
  await settle(1);
  expect(screen.getAllByTestId('channel-item')[1]!.getAttribute('aria-label')).toBe(
    'random, 6 unread, 3 mentions',
  );
  relay.emit('unread', { channelId: random.id, unreadCount: 0, total: 0 });
  await settle(1);
  expect(screen.getAllByTestId('channel-item')[1]!.querySelector('.mention-badge')).toBeNull();
});
