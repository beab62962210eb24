// @vitest-environment happy-dom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeRelay } from '../testing/fake-relay';
import { renderApp, settle } from '../testing/render-app';

afterEach(cleanup);

/** Opens the sign-in form, fills it in and submits it; the relay answers as its fake core does. */
async function signInWith(server: string, username: string, password: string): Promise<FakeRelay> {
  const relay = new FakeRelay({ signedIn: false });
  await renderApp(relay);
  fireEvent.change(screen.getByTestId('login-server'), { target: { value: server } });
  fireEvent.change(screen.getByTestId('login-username'), { target: { value: username } });
  fireEvent.change(screen.getByTestId('login-password'), { target: { value: password } });
  fireEvent.click(screen.getByTestId('login-submit'));
  await settle();
  return relay;
}

const loginError = () => screen.getByTestId('login-error').textContent;

describe('sign-in', () => {
  it('says plainly when the password is wrong, and stays on the form', async () => {
    await signInWith('http://127.0.0.1:3000', 'alice', 'nope');
    expect(loginError()).toBe('Wrong username or password. Check them and try again.');
    expect(screen.queryByTestId('channel-list')).toBeNull();
  });

  it('says when the server cannot be reached, naming it', async () => {
    await signInWith('http://unreachable.invalid:3000', 'alice', 'password');
    expect(loginError()).toContain("Can't reach the server at http://unreachable.invalid:3000");
  });

  it('refuses a server address that is not a URL before asking the core', async () => {
    const relay = await signInWith('localhost', 'alice', 'password');
    expect(loginError()).toContain('full server address');
    expect(relay.callsOf('signIn')).toEqual([]);
  });

  it('signs in and shows the channels', async () => {
    const relay = await signInWith('http://127.0.0.1:3000', 'alice', 'password');
    expect(relay.callsOf('signIn')).toEqual([
      { serverUrl: 'http://127.0.0.1:3000', username: 'alice', password: 'password' },
    ]);
    expect(screen.getAllByTestId('channel-item')).toHaveLength(2);
  });

  it('takes addresses and names verbatim: no spell check, no capitals added', async () => {
    await renderApp(new FakeRelay({ signedIn: false }));
    for (const testId of ['login-server', 'login-username', 'login-password']) {
      const input = screen.getByTestId(testId);
      expect([input.getAttribute('spellcheck'), input.getAttribute('autocapitalize')]).toEqual([
        'false',
        'none',
      ]);
    }
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
