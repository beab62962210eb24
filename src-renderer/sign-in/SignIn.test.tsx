// @vitest-environment happy-dom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeRelay } from '../testing/fake-relay';
import { renderApp, settle } from '../testing/render-app';

afterEach(cleanup);

function fillIn(server: string, username: string, password: string) {
  fireEvent.change(screen.getByTestId('login-server'), { target: { value: server } });
  fireEvent.change(screen.getByTestId('login-username'), { target: { value: username } });
  fireEvent.change(screen.getByTestId('login-password'), { target: { value: password } });
  fireEvent.click(screen.getByTestId('login-submit'));
}

describe('sign-in', () => {
  it('says plainly when the password is wrong, and stays on the form', async () => {
    const relay = new FakeRelay({ signedIn: false });
    await renderApp(relay);
    fillIn('http://127.0.0.1:3000', 'alice', 'nope');
    await settle();
    expect(screen.getByTestId('login-error').textContent).toBe(
      'Wrong username or password. Check them and try again.',
    );
    expect(screen.queryByTestId('channel-list')).toBeNull();
  });

  it('says when the server cannot be reached, naming it', async () => {
    const relay = new FakeRelay({ signedIn: false });
    await renderApp(relay);
    fillIn('http://unreachable.invalid:3000', 'alice', 'password');
    await settle();
    expect(screen.getByTestId('login-error').textContent).toContain(
      "Can't reach the server at http://unreachable.invalid:3000",
    );
  });

  it('refuses a server address that is not a URL before asking the core', async () => {
    const relay = new FakeRelay({ signedIn: false });
    await renderApp(relay);
    fillIn('localhost', 'alice', 'password');
    await settle();
    expect(screen.getByTestId('login-error').textContent).toContain('full server address');
    expect(relay.callsOf('signIn')).toEqual([]);
  });

  it('signs in and shows the channels', async () => {
    const relay = new FakeRelay({ signedIn: false });
    await renderApp(relay);
    fillIn('http://127.0.0.1:3000', 'alice', 'password');
    await settle();
    expect(relay.callsOf('signIn')).toEqual([
      { serverUrl: 'http://127.0.0.1:3000', username: 'alice', password: 'password' },
    ]);
    expect(screen.getAllByTestId('channel-item')).toHaveLength(2);
  });

  it('goes back to sign-in when the core reports Unauthorized, saying unsent messages are kept', async () => {
    const relay = new FakeRelay();
    await renderApp(relay);
    relay.emit('outbox', { sending: 2, failed: 0 });
    relay.emit('connection', { state: 'unauthorized' });
    await settle();
    expect(screen.getByTestId('login-submit')).toBeTruthy();
    expect(screen.getByTestId('connection-status').textContent).toBe('Unauthorized');
    expect(screen.getByText(/2 unsent messages are kept/)).toBeTruthy();
    expect(relay.callsOf('discardAllFailed')).toEqual([]);
  });
});
