// @vitest-environment happy-dom
/**
 * The renderer's side of the desktop comforts: the "Restart to update" banner, the desktop-only
 * settings, and the browser host's `/#/channel/ID` deep links.
 */
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { deepLinkInHash } from '../../src-shared/bridge/deep-link';
import { FakeRelay } from '../testing/fake-relay';
import { renderApp, settle } from '../testing/render-app';

afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
});

describe('desktop comforts in the renderer', () => {
  it('shows "Restart to update" only once an update is ready, restarting only on the click', async () => {
    const relay = new FakeRelay();
    await renderApp(relay);
    expect(screen.queryByTestId('update-banner')).toBeNull();
    act(() => relay.emit('updateReady', { version: '1.4.0' }));
    expect(screen.getByTestId('update-banner').textContent).toContain('Relay 1.4.0 is ready.');
    expect(relay.callsOf('restartToUpdate')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Restart to update' }));
    await settle(1);
    expect(relay.callsOf('restartToUpdate')).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Later' }));
    expect(screen.queryByTestId('update-banner')).toBeNull();
  });

  it('shows the banner for an update that was ready while the window was still booting', async () => {
    const relay = new FakeRelay();
    // main.tsx renders React only after boot: the store hears the core from the start, React later.
    const booting = renderApp(relay, 'electron', () => relay.emit('updateReady', { version: '1.5.0' }));
    await booting;
    expect(screen.getByTestId('update-banner').textContent).toContain('Relay 1.5.0 is ready.');
  });

  it('offers start at login (off), start minimised and the update server only in the desktop app', async () => {
    const relay = new FakeRelay();
    await renderApp(relay);
    fireEvent.click(screen.getByRole('button', { name: /settings/i }));
    const login = (await screen.findByRole('checkbox', { name: 'Start when I log in' })) as HTMLInputElement;
    expect(login.checked).toBe(false);
    fireEvent.click(login);
    await settle(1);
    expect(relay.callsOf('updateSettings')).toContainEqual({ openAtLogin: true });
    const url = screen.getByRole('textbox', { name: 'Update server' });
    fireEvent.change(url, { target: { value: 'https://updates.example/relay' } });
    fireEvent.blur(url);
    await settle(1);
    expect(relay.callsOf('updateSettings')).toContainEqual({ updateUrl: 'https://updates.example/relay' });
    cleanup();
    await renderApp(new FakeRelay(), 'browser');
    fireEvent.click(screen.getByRole('button', { name: /settings/i }));
    expect(screen.queryByRole('checkbox', { name: 'Start when I log in' })).toBeNull();
  });

  it('follows /#/channel/ID in the browser host once signed in, then clears it from the address', async () => {
    const relay = new FakeRelay();
    const target = relay.channels[1]!;
    window.history.replaceState(null, '', `/?token=abc#/channel/${target.id}`);
    await renderApp(relay, 'browser');
    // The link reader is a chunk imported on demand: a loaded machine can take longer than a few
    // timer turns to bring it (this failed once under load), so wait for its effect.
    await waitFor(() => {
      const active = screen
        .getAllByTestId('channel-item')
        .find((i) => i.getAttribute('aria-current') === 'page');
      expect(active?.getAttribute('data-channel-id')).toBe(target.id);
    });
    expect(window.location.hash).toBe('');
    expect(window.location.search).toBe('?token=abc');

    expect(deepLinkInHash(`#/channel/${target.id}/`)).toEqual({ kind: 'channel', id: target.id });
    expect(deepLinkInHash('#/channel/not-an-id')).toBeNull();
    expect(deepLinkInHash('#/message/x')).toBeNull();
    expect(deepLinkInHash('#/user/x')).toBeNull();
  });
});
