// @vitest-environment happy-dom
/**
 * Issue 12: what a new user hit in the renderer (findings 3, 5, 6, 7, 12, 13), one test each.
 * Layout collisions, contrast and the overlays are checked in real Chromium (e2e/specs/look.spec.ts).
 */
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageDeliveryStatus } from '../../src-shared/protocol/codes';
import { MAX_CONTENT_LENGTH } from '../../src-shared/protocol/limits';
import { formatTime } from '../messages/time';
import { alice, bob, carol, FakeRelay, makeChannel, relayWithGeneral } from '../testing/fake-relay';
import { layoutInEachTest } from '../testing/layout';
import { renderApp, settle } from '../testing/render-app';

layoutInEachTest();
afterEach(() => {
  vi.useRealTimers();
});

const seen = (user: typeof bob, status: MessageDeliveryStatus) => ({
  userId: user.id,
  name: user.name,
  status,
  at: new Date().toISOString(),
});

describe('finding 3: the status is a compact mark, Read only when everyone read it', () => {
  it('marks the last own message always and earlier ones on hover, saying who has seen it', async () => {
    const dave = { id: '00000000-0000-4000-8000-00000000da7e', name: 'dave' };
    const general = makeChannel('general', { members: [alice, bob, carol, dave] });
    const relay = new FakeRelay({ channels: [general] });
    relay.seed(general.id, 3, (i) => ({
      own: true,
      author: alice,
      status: 'Delivered',
      seenBy:
        i === 2
          ? [seen(bob, MessageDeliveryStatus.READ), seen(carol, MessageDeliveryStatus.READ)]
          : [seen(bob, MessageDeliveryStatus.READ)],
    }));
    await renderApp(relay);
    const rows = screen.getAllByTestId('message');
    const statuses = rows.map((row) => within(row).getByTestId('message-status'));
    expect(statuses.map((s) => s.textContent)).toEqual(['Delivered', 'Delivered', 'Delivered']);
    // A mark, not a line of text: the words are for screen readers (and QA).
    expect(statuses.map((s) => s.classList.contains('always'))).toEqual([false, false, true]);
    expect(within(statuses[2]!).getByText('Delivered').className).toContain('visually-hidden');
    expect(within(rows[2]!).getByTestId('message-seen-by').textContent).toBe('Seen by 2 of 3');
    expect(within(rows[0]!).getByTestId('message-seen-by').textContent).toBe('Seen by bob');

    // The full list is one keyboard press away.
    const seenBy = within(rows[2]!).getByTestId('message-seen-by');
    expect(seenBy.tagName).toBe('BUTTON');
    fireEvent.click(seenBy);
    const list = within(rows[2]!).getByRole('list', { name: 'Seen by' });
    expect(list.textContent).toContain('bob');
    expect(list.textContent).toContain('carol');
    expect(list.textContent).toContain('dave');
    expect(list.textContent).toMatch(/dave.*Not yet/);
  });
});

describe('read means in view', () => {
  it('scrolled up, a new message is not marked read; back at the newest, it is', async () => {
    const { relay, general } = relayWithGeneral(3);
    const { store } = await renderApp(relay);
    act(() => store.getState().setAtNewest(false));
    expect(relay.callsOf('setAtNewest').at(-1)).toEqual({ atNewest: false });
    const before = relay.callsOf('markRead').length;
    act(() => relay.emit('unread', { channelId: general.id, unreadCount: 1, total: 1 }));
    await settle(2);
    expect(relay.callsOf('markRead')).toHaveLength(before);
    act(() => store.getState().setAtNewest(true));
    await settle(2);
    expect(relay.callsOf('markRead').length).toBeGreaterThan(before);
  });
});

describe('finding 5: toasts', () => {
  it('a notification toast goes after 5 s', async () => {
    const relay = new FakeRelay();
    await renderApp(relay, 'browser');
    vi.useFakeTimers();
    act(() =>
      relay.emit('notification', { title: 'bob in #random', body: 'hi', channelId: relay.channels[1]!.id }),
    );
    expect(screen.getByText('bob in #random')).toBeTruthy();
    act(() => vi.advanceTimersByTime(4_900));
    expect(screen.queryByText('bob in #random')).not.toBeNull();
    act(() => vi.advanceTimersByTime(200));
    expect(screen.queryByText('bob in #random')).toBeNull();
  });

  it('sits beside an open thread or outbox, never over it', async () => {
    const relay = new FakeRelay();
    relay.seed(relay.channels[0]!.id, 2);
    const { store } = await renderApp(relay);
    expect(screen.getByRole('region', { name: 'Notifications' }).className).not.toContain('beside-panel');
    act(() => store.getState().setOutboxOpen(true));
    expect(screen.getByRole('region', { name: 'Notifications' }).className).toContain('beside-panel');
  });
});

describe('finding 6: the last channel is remembered per account', () => {
  it('opens on the channel last shown, and remembers a new choice', async () => {
    const relay = new FakeRelay();
    const [general, random] = relay.channels as [
      ReturnType<typeof makeChannel>,
      ReturnType<typeof makeChannel>,
    ];
    relay.settings = { ...relay.settings, lastChannels: { [alice.id]: random.id, [bob.id]: general.id } };
    const { store } = await renderApp(relay);
    expect(store.getState().activeChannelId).toBe(random.id);

    fireEvent.click(screen.getAllByTestId('channel-item')[0]!);
    await settle();
    expect(relay.callsOf('updateSettings').at(-1)).toEqual({
      lastChannels: { [alice.id]: general.id, [bob.id]: general.id },
    });
  });
});

describe('finding 7: a wrong password', () => {
  it('puts the focus back in the password field', async () => {
    const relay = new FakeRelay({ signedIn: false });
    await renderApp(relay);
    fireEvent.change(screen.getByTestId('login-server'), { target: { value: 'http://127.0.0.1:3000' } });
    fireEvent.change(screen.getByTestId('login-username'), { target: { value: 'alice' } });
    fireEvent.change(screen.getByTestId('login-password'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByTestId('login-submit'));
    await settle();
    expect(screen.getByTestId('login-error')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId('login-password'));
  });
});

describe('finding 12: keyboard', () => {
  it('has a skip link to the composer first, and the message list is one tab stop', async () => {
    const relay = new FakeRelay();
    relay.seed(relay.channels[0]!.id, 5);
    await renderApp(relay);
    const skip = screen.getByRole('link', { name: 'Skip to message composer' });
    const focusables = document.querySelectorAll('a[href], button, textarea, input, [tabindex]');
    expect(focusables[0]).toBe(skip);
    fireEvent.click(skip);
    await settle(1);
    expect(document.activeElement).toBe(
      screen.getByRole('main').querySelector('[data-testid=message-input]'),
    );

    const list = screen.getByTestId('message-list');
    const stops = [...list.querySelectorAll<HTMLElement>('button, a[href], [tabindex]')].filter(
      (el) => el.tabIndex >= 0,
    );
    // One row is the stop; the only other stops are that row's own buttons (reached by Tab from it).
    const rows = stops.filter((el) => el.dataset.testid === 'message');
    expect(rows).toHaveLength(1);
    expect(stops.every((el) => rows[0]!.contains(el))).toBe(true);
    expect(screen.getAllByTestId('message').length).toBeGreaterThan(1);
  });

  it('moves between rows with the arrow keys, each row’s actions reachable from it', async () => {
    const relay = new FakeRelay();
    relay.seed(relay.channels[0]!.id, 5);
    await renderApp(relay);
    const rows = () => screen.getAllByTestId('message');
    const last = rows().at(-1)!;
    expect(last.tabIndex).toBe(0);
    act(() => last.focus());
    fireEvent.keyDown(last, { key: 'ArrowUp' });
    await settle(2);
    const previous = rows().at(-2)!;
    expect(document.activeElement).toBe(previous);
    expect(previous.tabIndex).toBe(0);
    expect(rows().at(-1)!.tabIndex).toBe(-1);
    // Its reply button is the next tab stop (and only this row's is).
    expect(within(previous).getByTestId('reply-button').tabIndex).toBe(0);
    expect(within(rows().at(-1)!).getByTestId('reply-button').tabIndex).toBe(-1);
    fireEvent.keyDown(previous, { key: 'End' });
    await settle(2);
    expect(document.activeElement).toBe(rows().at(-1));
  });
});

describe('finding 13: polish', () => {
  it('formats times from the locale: 12-hour without a leading zero, or 24-hour', () => {
    const at = new Date(2026, 0, 2, 13, 5);
    expect(formatTime(at, 'en-US')).toBe('1:05 PM');
    expect(formatTime(new Date(2026, 0, 2, 1, 23), 'en-US')).toBe('1:23 AM');
    expect(formatTime(at, 'en-GB')).toBe('13:05');
  });

  it('shows the counter only near the limit, and the error names the limit the same way', async () => {
    const relay = new FakeRelay();
    await renderApp(relay);
    const main = screen.getByRole('main');
    const input = within(main).getByTestId('message-input');
    fireEvent.change(input, { target: { value: 'short' } });
    expect(main.querySelector('.char-counter')).toBeNull();
    fireEvent.change(input, { target: { value: 'x'.repeat(1_900) } });
    expect(main.querySelector('.char-counter')?.textContent).toBe('1,900/2,000');
    fireEvent.change(input, { target: { value: 'x'.repeat(MAX_CONTENT_LENGTH + 1) } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await settle(2);
    expect(within(main).getByRole('alert').textContent).toBe('Message is longer than 2,000 characters');
  });

  it('a thread without replies and an empty channel say something useful', async () => {
    const relay = new FakeRelay();
    const [root] = relay.seed(relay.channels[0]!.id, 1);
    const { store } = await renderApp(relay);
    await act(() => store.getState().showThread(relay.channels[0]!.id, root!.id!));
    await settle();
    // The thread panel is a lazy chunk (app/lazy.ts): wait for it, as a person would.
    const thread = await screen.findByTestId('thread-view');
    expect(thread.textContent).not.toContain('0 replies');
    expect(thread.textContent).toContain('No replies yet');

    await act(() => store.getState().selectChannel(relay.channels[1]!.id));
    await settle();
    const empty = screen.getByRole('main');
    expect(empty.textContent).toContain('This is the start of #random');
    expect(empty.textContent).toContain('everyone in the channel will see it');
  });
});
