// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Host } from '../bridge/connect';
import { conversationLabel } from '../channels/conversation-label';
import { createAppStore } from '../store/app-store';
import { AppProvider } from '../store/context';
import { FakeRelay } from '../testing/fake-relay';
import { settle } from '../testing/render-app';
import { Composer } from './Composer';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function renderComposer(relay = new FakeRelay(), host: Host = 'electron') {
  const channel = relay.channels[0]!;
  const store = createAppStore(relay.api, host);
  const view = render(
    <AppProvider store={store} relay={relay.api}>
      <Composer channelId={channel.id} channelLabel={conversationLabel(channel)} />
    </AppProvider>,
  );
  await settle();
  const input = screen.getByTestId('message-input') as HTMLTextAreaElement;
  return { relay, store, channel, input, view };
}

function type(input: HTMLTextAreaElement, value: string) {
  fireEvent.change(input, { target: { value } });
}

describe('Attach', () => {
  it('in the desktop app opens main’s dialog; the files come back staged and go by their ids', async () => {
    const relay = new FakeRelay();
    const attachmentId = crypto.randomUUID();
    relay.picked = [{ attachmentId, name: 'Screenshot 1.png', size: 2048, mime: 'image/png' }];
    const { channel, input } = await renderComposer(relay);
    fireEvent.click(screen.getByRole('button', { name: 'Attach files' }));
    await settle();
    expect(screen.getByTestId('attachment-chip').textContent).toContain('Screenshot 1.png');
    fireEvent.keyDown(input, { key: 'Enter' });
    await settle();
    expect(relay.callsOf('beginAttachment')).toEqual([]);
    expect(relay.callsOf('sendMessage')).toEqual([
      { channelId: channel.id, content: 'Screenshot 1.png', attachmentIds: [attachmentId] },
    ]);
  });

  it('in the browser host opens the page’s file input, never main', async () => {
    const click = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => {});
    const { relay } = await renderComposer(new FakeRelay(), 'browser');
    fireEvent.click(screen.getByRole('button', { name: 'Attach files' }));
    await settle();
    expect(relay.callsOf('pickFiles')).toEqual([]);
    expect(click).toHaveBeenCalledOnce();
    click.mockRestore();
  });
});

describe('the composer', () => {
  it('keeps what is typed the moment the box appears, before React has run its effects', async () => {
    // Outside act, as in the app: React commits the box in one task and runs its effects in a later
    // one. A keystroke in between (a thread opened with a key, and typing at once) must not be reset.
    const relay = new FakeRelay();
    const channel = relay.channels[0]!;
    const store = createAppStore(relay.api, 'electron');
    const actEnvironment = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };
    const previous = actEnvironment.IS_REACT_ACT_ENVIRONMENT;
    actEnvironment.IS_REACT_ACT_ENVIRONMENT = false;
    const container = document.body.appendChild(document.createElement('div'));
    const root = createRoot(container);
    try {
      const appeared = new Promise<HTMLTextAreaElement>((resolve) => {
        const observer = new MutationObserver(() => {
          const box = container.querySelector('textarea');
          if (!box) return;
          observer.disconnect();
          resolve(box);
        });
        observer.observe(container, { childList: true, subtree: true });
      });
      root.render(
        <AppProvider store={store} relay={relay.api}>
          <Composer channelId={channel.id} channelLabel="#general" parentId={crypto.randomUUID()} />
        </AppProvider>,
      );
      const box = await appeared;
      // A keystroke as the browser delivers it (RTL's fireEvent would wrap it in act, running the effects first).
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(
        box,
        'typed at once',
      );
      box.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(box.value).toBe('typed at once');
    } finally {
      root.unmount();
      container.remove();
      actEnvironment.IS_REACT_ACT_ENVIRONMENT = previous;
    }
  });

  it('sends on Enter and clears; Shift+Enter does not send', async () => {
    const { relay, channel, input } = await renderComposer();
    type(input, 'line one');
    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    await settle(1);
    expect(relay.callsOf('sendMessage')).toEqual([]);
    type(input, 'line one\nline two');
    fireEvent.keyDown(input, { key: 'Enter' });
    await settle();
    expect(relay.callsOf('sendMessage')).toEqual([{ channelId: channel.id, content: 'line one\nline two' }]);
    expect(input.value).toBe('');
  });

  it('counts characters and refuses more than 2,000, saying why', async () => {
    const { relay, input } = await renderComposer();
    type(input, 'x'.repeat(2_000));
    expect(screen.getByText('2,000/2,000')).toBeTruthy();
    expect((screen.getByTestId('send-button') as HTMLButtonElement).disabled).toBe(false);
    type(input, 'x'.repeat(2_001));
    expect((screen.getByTestId('send-button') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.keyDown(input, { key: 'Enter' });
    await settle(1);
    expect(screen.getByRole('alert').textContent).toBe('Message is longer than 2,000 characters');
    expect(relay.callsOf('sendMessage')).toEqual([]);
    expect(input.value).toHaveLength(2_001);
  });

  it('does not send only whitespace', async () => {
    const { relay, input } = await renderComposer();
    type(input, '   \n  ');
    fireEvent.keyDown(input, { key: 'Enter' });
    await settle(1);
    expect(relay.callsOf('sendMessage')).toEqual([]);
  });

  it('loads the channel draft, and saves edits to it', async () => {
    const relay = new FakeRelay();
    relay.drafts.set(relay.channels[0]!.id, 'half a thought');
    const { channel, input } = await renderComposer(relay);
    expect(input.value).toBe('half a thought');
    type(input, 'a whole thought');
    fireEvent.blur(input);
    await settle(1);
    expect(relay.callsOf('setDraft').at(-1)).toEqual({ channelId: channel.id, text: 'a whole thought' });
  });

  it('gives the text back when the core refuses the message', async () => {
    const relay = new FakeRelay();
    relay.failNext('sendMessage', 'NOT_SIGNED_IN', 'Not signed in');
    const { input, store } = await renderComposer(relay);
    type(input, 'important');
    fireEvent.keyDown(input, { key: 'Enter' });
    await settle();
    expect(input.value).toBe('important');
    expect(store.getState().toasts.map((t) => t.title)).toEqual(['You are signed out']);
  });

  it('reports typing, refreshes it while typing goes on, and stops after sending', async () => {
    const { relay, channel, input } = await renderComposer();
    type(input, 'h');
    type(input, 'he');
    expect(relay.callsOf('setTyping')).toEqual([{ channelId: channel.id, isTyping: true }]);
    fireEvent.keyDown(input, { key: 'Enter' });
    await settle();
    expect(relay.callsOf('setTyping').at(-1)).toEqual({ channelId: channel.id, isTyping: false });
  });

  it('stops typing by itself after a few idle seconds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const relay = new FakeRelay();
    const channel = relay.channels[0]!;
    const store = createAppStore(relay.api, 'electron');
    render(
      <AppProvider store={store} relay={relay.api}>
        <Composer channelId={channel.id} channelLabel={conversationLabel(channel)} />
      </AppProvider>,
    );
    type(screen.getByTestId('message-input') as HTMLTextAreaElement, 'hello');
    act(() => {
      vi.advanceTimersByTime(5_000);
    });
    expect(relay.callsOf('setTyping')).toEqual([
      { channelId: channel.id, isTyping: true },
      { channelId: channel.id, isTyping: false },
    ]);
  });
});
