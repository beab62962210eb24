// @vitest-environment happy-dom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { MessageDeliveryStatus } from '../../src-shared/protocol/codes';
import { bob, carol, FakeRelay, makeMessage, relayWithGeneral } from '../testing/fake-relay';
import { layoutInEachTest } from '../testing/layout';
import { renderApp, settle } from '../testing/render-app';
import { applyTheme } from './theme';

layoutInEachTest();

describe('the workspace', () => {
  it('lists channels with their id and unread count, and the active one', async () => {
    const relay = new FakeRelay();
    relay.channels[1]!.unreadCount = 3;
    await renderApp(relay);
    const items = screen.getAllByTestId('channel-item');
    expect(items.map((i) => i.getAttribute('data-channel-id'))).toEqual(relay.channels.map((c) => c.id));
    expect(items.map((i) => i.getAttribute('data-unread'))).toEqual(['0', '3']);
    expect(items[0]!.getAttribute('aria-current')).toBe('page');
    relay.emit('unread', { channelId: relay.channels[1]!.id, unreadCount: 4, total: 4 });
    await settle(1);
    expect(screen.getAllByTestId('channel-item')[1]!.getAttribute('data-unread')).toBe('4');
  });

  it('shows the connection state in the words QA reads', async () => {
    const relay = new FakeRelay();
    await renderApp(relay);
    const status = () => screen.getByTestId('connection-status').textContent;
    expect(status()).toBe('Connected');
    for (const [state, text] of [
      ['connecting', 'Connecting'],
      ['offline', 'Offline'],
      ['connected', 'Connected'],
    ] as const) {
      act(() => relay.emit('connection', { state }));
      expect(status()).toBe(text);
    }
  });

  it('renders messages with their ids, own statuses and a Retry for failed ones', async () => {
    const relay = new FakeRelay();
    const general = relay.channels[0]!;
    const failed = makeMessage(general.id, {
      id: undefined,
      key: 'k-failed',
      clientMessageId: '00000000-0000-4000-8000-0000000000ff',
      own: true,
      status: 'Failed',
      failure: { code: 'RATE_LIMITED', message: 'Too many messages' },
      content: 'try me',
    });
    relay.seed(general.id, 2, (i) =>
      i === 1
        ? {
            own: true,
            status: 'Read',
            seenBy: [
              {
                userId: bob.id,
                name: 'bob',
                status: MessageDeliveryStatus.READ,
                at: new Date().toISOString(),
              },
            ],
          }
        : {},
    );
    relay.messages.set(general.id, [...relay.messages.get(general.id)!, failed]);
    await renderApp(relay);
    const messages = screen.getAllByTestId('message');
    expect(messages).toHaveLength(3);
    expect(messages[0]!.getAttribute('data-message-id')).toBe(relay.messages.get(general.id)![0]!.id);
    expect(messages[2]!.hasAttribute('data-message-id')).toBe(false);
    expect(messages[2]!.getAttribute('data-client-message-id')).toBe(failed.clientMessageId);
    expect(within(messages[0]!).queryByTestId('message-status')).toBeNull();
    const read = within(messages[1]!).getByTestId('message-status');
    expect(read.textContent).toBe('Read');
    expect(read.getAttribute('title')).toBe('Seen by bob');
    expect(within(messages[2]!).getByTestId('message-status').textContent).toBe('Failed');
    expect(within(messages[2]!).getByTestId('message-content').textContent?.trim()).toBe('try me');
    fireEvent.click(within(messages[2]!).getByTestId('message-retry'));
    await settle(1);
    expect(relay.callsOf('retryMessage')).toEqual([{ clientMessageId: failed.clientMessageId }]);
  });

  it('updates a message in place as its status moves on', async () => {
    const relay = new FakeRelay();
    await renderApp(relay);
    const channelId = relay.channels[0]!.id;
    const sending = makeMessage(channelId, {
      id: undefined,
      key: 'ck',
      clientMessageId: 'ck',
      own: true,
      status: 'Sending',
    });
    act(() => relay.emit('messageUpserted', sending));
    expect(screen.getByTestId('message-status').textContent).toBe('Sending');
    act(() =>
      relay.emit('messageUpserted', {
        ...sending,
        id: '00000000-0000-4000-8000-0000000000aa',
        seq: 1,
        status: 'Delivered',
      }),
    );
    expect(screen.getAllByTestId('message')).toHaveLength(1);
    expect(screen.getByTestId('message-status').textContent).toBe('Delivered');
    expect(screen.getByTestId('message').getAttribute('data-message-id')).toBe(
      '00000000-0000-4000-8000-0000000000aa',
    );
  });

  it('moves between channels with Alt+Up/Down', async () => {
    const relay = new FakeRelay();
    const { store } = await renderApp(relay);
    const [general, random] = relay.channels;
    fireEvent.keyDown(window, { key: 'ArrowDown', altKey: true });
    await settle(2);
    expect(store.getState().activeChannelId).toBe(random!.id);
    fireEvent.keyDown(window, { key: 'ArrowDown', altKey: true });
    await settle(2);
    expect(store.getState().activeChannelId).toBe(general!.id);
    fireEvent.keyDown(window, { key: 'ArrowUp', altKey: true });
    await settle(2);
    expect(store.getState().activeChannelId).toBe(random!.id);
    expect(relay.callsOf('setActiveChannel').map((c) => c.channelId)).toEqual([
      general!.id,
      random!.id,
      general!.id,
      random!.id,
    ]);
  });

  it('announces a new message from someone else to screen readers, not our own', async () => {
    const { relay, general } = relayWithGeneral(1);
    await renderApp(relay);
    const live = screen.getByTestId('message-list').parentElement!.querySelector('[aria-live="polite"]')!;
    expect(live.textContent).toBe('');
    act(() =>
      relay.emit('messageUpserted', makeMessage(general.id, { seq: 2, author: bob, content: 'lunch?' })),
    );
    expect(live.textContent).toBe('bob: lunch?');
    act(() =>
      relay.emit(
        'messageUpserted',
        makeMessage(general.id, { seq: 3, own: true, status: 'Sent', content: 'sure' }),
      ),
    );
    expect(live.textContent).toBe('bob: lunch?');
  });

  it('opens a channel with a "New" divider above its first unread message', async () => {
    const relay = new FakeRelay();
    const random = relay.channels[1]!;
    random.unreadCount = 2;
    relay.seed(random.id, 5);
    await renderApp(relay);
    fireEvent.click(screen.getByRole('button', { name: /^random, 2 unread/ }));
    await settle();
    const divider = screen.getByText('New').closest('[data-index]')!;
    expect(divider.nextElementSibling?.textContent).toContain('message 4');
    expect(relay.callsOf('markRead')).toContainEqual({ channelId: random.id });
  });

  it('keeps the "New" divider when the core reads the channel before its first page answers', async () => {
    // A channel whose messages are not held yet (a first sign-in, the catch-up still running): the
    // core fetches the page and, the channel being looked at, reads it on arrival. Its `unread` event
    // (now 0) can come before the page's answer: the divider still marks what the badge said on open.
    const relay = new FakeRelay();
    const random = relay.channels[1]!;
    random.unreadCount = 2;
    relay.seed(random.id, 5);
    await renderApp(relay);
    relay.hold('listMessages');
    fireEvent.click(screen.getByRole('button', { name: /^random, 2 unread/ }));
    await settle(1);
    act(() => relay.emit('unread', { channelId: random.id, unreadCount: 0, total: 0 }));
    relay.release('listMessages');
    await settle();
    const divider = screen.getByText('New').closest('[data-index]')!;
    expect(divider.nextElementSibling?.textContent).toContain('message 4');
  });

  it('says who is typing', async () => {
    const relay = new FakeRelay();
    await renderApp(relay);
    const channelId = relay.channels[0]!.id;
    expect(screen.queryByTestId('typing-indicator')).toBeNull();
    act(() => relay.emit('typing', { channelId, typists: [bob] }));
    expect(screen.getByTestId('typing-indicator').textContent).toBe('bob is typing...');
    act(() => relay.emit('typing', { channelId, typists: [bob, carol] }));
    expect(screen.getByTestId('typing-indicator').textContent).toBe('bob and carol are typing...');
    act(() => relay.emit('typing', { channelId, typists: [] }));
    expect(screen.queryByTestId('typing-indicator')).toBeNull();
  });

  it('opens a thread from the reply button, shows its replies and closes on Esc', async () => {
    const relay = new FakeRelay();
    const general = relay.channels[0]!;
    const [parent] = relay.seed(general.id, 1, () => ({ replyCount: 1, content: 'the parent' }));
    relay.messages
      .get(general.id)!
      .push(makeMessage(general.id, { parentId: parent!.id, seq: 2, content: 'first reply' }));
    await renderApp(relay);
    expect(screen.getByText('1 reply')).toBeTruthy();
    fireEvent.click(screen.getByTestId('reply-button'));
    await settle();
    const thread = await screen.findByTestId('thread-view');
    expect(within(thread).getByTestId('thread-parent').textContent).toContain('the parent');
    expect(
      within(thread)
        .getAllByTestId('message-content')
        .map((c) => c.textContent?.trim()),
    ).toEqual(['first reply']);
    // Each message is found once on the page, even with its thread open.
    expect(document.querySelectorAll(`[data-message-id="${parent!.id}"]`)).toHaveLength(1);
    fireEvent.change(within(thread).getByTestId('message-input'), { target: { value: 'second reply' } });
    fireEvent.keyDown(within(thread).getByTestId('message-input'), { key: 'Enter' });
    await settle();
    expect(relay.callsOf('sendMessage')).toEqual([
      { channelId: general.id, content: 'second reply', parentId: parent!.id },
    ]);
    expect(within(screen.getByTestId('thread-view')).getAllByTestId('message')).toHaveLength(2);
    fireEvent.keyDown(window, { key: 'Escape' });
    await settle(1);
    expect(screen.queryByTestId('thread-view')).toBeNull();
  });

  it('while offline, says how many messages wait; the outbox retries or discards them', async () => {
    const relay = new FakeRelay();
    relay.outbox = [
      {
        clientMessageId: '00000000-0000-4000-8000-0000000000b1',
        channelId: relay.channels[0]!.id,
        channelName: 'general',
        channelKind: 'channel',
        content: 'one',
        status: 'Sending',
        attempts: 0,
        failure: undefined,
        createdAt: new Date().toISOString(),
      },
      {
        clientMessageId: '00000000-0000-4000-8000-0000000000b2',
        channelId: relay.channels[0]!.id,
        channelName: 'general',
        channelKind: 'channel',
        content: 'two',
        status: 'Failed',
        attempts: 3,
        failure: { code: 'VALIDATION', message: 'Too long' },
        createdAt: new Date().toISOString(),
      },
      {
        // Refused once its channel was left: main no longer holds the channel, nor its name.
        clientMessageId: '00000000-0000-4000-8000-0000000000b3',
        channelId: '00000000-0000-4000-8000-0000000000c3',
        channelName: '',
        content: 'three',
        status: 'Failed',
        attempts: 1,
        failure: { code: 'FORBIDDEN', message: 'Not a member of this channel' },
        createdAt: new Date().toISOString(),
      },
      {
        // A direct message is named by the people in it, not as a #channel.
        clientMessageId: '00000000-0000-4000-8000-0000000000b4',
        channelId: '00000000-0000-4000-8000-0000000000c4',
        channelName: 'Alice',
        channelKind: 'dm',
        content: 'four',
        status: 'Sending',
        attempts: 0,
        failure: undefined,
        createdAt: new Date().toISOString(),
      },
    ];
    await renderApp(relay);
    act(() => relay.emit('connection', { state: 'offline' }));
    act(() => relay.emit('outbox', { sending: 3, failed: 1 }));
    expect(screen.getByText(/3 messages are waiting/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /^Outbox/ }));
    await settle();
    const outbox = await screen.findByRole('region', { name: 'Outbox' });
    expect(within(outbox).getByText('Too long')).toBeTruthy();
    const left = within(outbox).getByText('three').closest('li')!;
    expect(within(left as HTMLElement).getByText('A channel you have left')).toBeTruthy();
    const general = within(outbox).getByText('two').closest('li')!;
    expect(within(general as HTMLElement).getByText('#general')).toBeTruthy();
    const dm = within(outbox).getByText('four').closest('li')!;
    expect(within(dm as HTMLElement).getByText('Direct message: Alice')).toBeTruthy();
    expect(within(dm as HTMLElement).queryByText('#Alice')).toBeNull();
    expect(within(left as HTMLElement).getByText('Not a member of this channel')).toBeTruthy();
    fireEvent.click(within(outbox).getByRole('button', { name: 'Retry all' }));
    fireEvent.click(within(outbox).getByRole('button', { name: 'Discard failed' }));
    await settle();
    expect(relay.callsOf('retryAll')).toHaveLength(1);
    expect(relay.callsOf('discardAllFailed')).toHaveLength(1);
  });

  it('shows core errors as toasts', async () => {
    const relay = new FakeRelay();
    await renderApp(relay);
    act(() => relay.emit('error', { code: 'FORBIDDEN', message: 'Not a member' }));
    expect(screen.getByRole('alert').textContent).toContain('You are not a member of that channel');
  });

  it('opens message links through the bridge and never navigates the window', async () => {
    const relay = new FakeRelay();
    relay.seed(relay.channels[0]!.id, 1, () => ({ content: 'see [the docs](https://example.com/docs)' }));
    await renderApp(relay);
    const link = within(screen.getByTestId('message-content')).getByText('the docs');
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    link.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    expect(relay.callsOf('openLink')).toEqual([{ url: 'https://example.com/docs' }]);
  });

  it('in the browser host, also opens the link in a new tab cut off from this one', async () => {
    const relay = new FakeRelay();
    relay.seed(relay.channels[0]!.id, 1, () => ({ content: '<https://example.com/a>' }));
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    await renderApp(relay, 'browser');
    fireEvent.click(within(screen.getByTestId('message-content')).getByText('https://example.com/a'));
    expect(open).toHaveBeenCalledWith('https://example.com/a', '_blank', 'noopener,noreferrer');
    open.mockRestore();
  });

  it('in the browser host, a notification becomes a toast that opens its channel', async () => {
    const relay = new FakeRelay();
    const random = relay.channels[1]!;
    const [message] = relay.seed(random.id, 1);
    const { store } = await renderApp(relay, 'browser');
    act(() =>
      relay.emit('notification', {
        title: 'bob in #random',
        body: 'hello',
        channelId: random.id,
        messageId: message!.id,
      }),
    );
    fireEvent.click(screen.getByText('bob in #random'));
    await settle();
    expect(store.getState().activeChannelId).toBe(random.id);
    const shown = screen
      .getAllByTestId('message')
      .find((m) => m.getAttribute('data-message-id') === message!.id);
    expect(shown?.classList.contains('highlighted')).toBe(true);
  });

  it('in the desktop app, leaves notifications to main', async () => {
    const relay = new FakeRelay();
    await renderApp(relay, 'electron');
    act(() =>
      relay.emit('notification', {
        title: 'bob in #random',
        body: 'hello',
        channelId: relay.channels[1]!.id,
        messageId: undefined,
      }),
    );
    expect(screen.queryByText('bob in #random')).toBeNull();
  });
});

describe('settings', () => {
  it('changes the theme through the core and applies it to the page', async () => {
    const relay = new FakeRelay();
    await renderApp(relay);
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    fireEvent.change(await screen.findByLabelText('Theme'), { target: { value: 'dark' } });
    await settle();
    expect(relay.callsOf('updateSettings')).toEqual([{ theme: 'dark' }]);
    expect(document.documentElement.dataset.theme).toBe('dark');
    fireEvent.change(screen.getByLabelText('Theme'), { target: { value: 'system' } });
    await settle();
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('puts the chosen theme on the page once, before the first render, not again in its commit', async () => {
    const relay = new FakeRelay();
    relay.settings = { ...relay.settings, theme: 'dark' };
    const writes: MutationRecord[] = [];
    const observer = new MutationObserver((records) => writes.push(...records));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const { unmount } = await renderApp(relay);
    writes.push(...observer.takeRecords());
    observer.disconnect();
    expect(document.documentElement.dataset.theme).toBe('dark');
    // A second write (the same value) would restyle the whole page inside the first frame (figure 7).
    expect(writes).toHaveLength(1);
    unmount();
    applyTheme('system');
  });
});
