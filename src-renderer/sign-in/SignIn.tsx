import { type FormEvent, useEffect, useRef, useState } from 'react';
import { requestNotificationPermission } from '../app/browser-notification';
import { ConnectionStatus } from '../channels/ConnectionStatus';
import { useApp, useAppStore } from '../store/context';
import { FormFooter, PasswordField, TextField } from './fields';
import { InviteForm } from './InviteForm';
import { serverUrlProblem, signInErrorText } from './sign-in-errors';

export function SignIn() {
  const store = useAppStore();
  const session = useApp((s) => s.session);
  const host = useApp((s) => s.host);
  const unauthorized = useApp((s) => s.connection.state === 'unauthorized');
  const waiting = useApp((s) => s.outboxCounts.sending + s.outboxCounts.failed);
  const [serverUrl, setServerUrl] = useState(session?.serverUrl ?? '');
  const [username, setUsername] = useState(session?.user?.name ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const firstEmpty = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const [invited, setInvited] = useState(false);

  // The session may arrive after this form: fill in what we know, without overwriting typing.
  useEffect(() => {
    if (session?.serverUrl) setServerUrl((current) => current || session.serverUrl);
    if (session?.user?.name) setUsername((current) => current || session.user!.name);
  }, [session?.serverUrl, session?.user]);

  useEffect(() => {
    firstEmpty.current?.focus();
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (host === 'browser') requestNotificationPermission();
    const urlProblem = serverUrlProblem(serverUrl);
    if (urlProblem) return setError(urlProblem);
    if (!username.trim() || !password) return setError('Enter your username and password.');
    setBusy(true);
    setError(null);
    const url = serverUrl.trim();
    const result = await store.getState().signIn({ serverUrl: url, username: username.trim(), password });
    setBusy(false);
    if (!result.ok) {
      setError(signInErrorText(result.error, url));
      setPassword('');
      // The button was disabled while busy, which drops focus to the page: put it where the next
      // attempt starts (the alert is still read out).
      passwordRef.current?.focus();
    }
  }

  if (invited) {
    return (
      <main className="sign-in">
        <InviteForm serverUrl={serverUrl} onCancel={() => setInvited(false)} />
      </main>
    );
  }

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
        <h1 id="sign-in-title">Sign in to Relay</h1>
        {unauthorized && (
          <div className="sign-in-notice" role="status">
            <ConnectionStatus />
            <p>
              Your session has ended. Sign in again to carry on
              {waiting > 0
                ? `: ${waiting} unsent ${waiting === 1 ? 'message is' : 'messages are'} kept.`
                : '.'}
            </p>
          </div>
        )}
        <TextField
          label="Server"
          data-testid="login-server"
          type="url"
          value={serverUrl}
          onValue={setServerUrl}
          placeholder="http://127.0.0.1:3000"
          autoComplete="url"
          required
        />
        <TextField
          label="Username"
          ref={username ? undefined : firstEmpty}
          data-testid="login-username"
          value={username}
          onValue={setUsername}
          autoComplete="username"
          required
        />
        <PasswordField
          label="Password"
          ref={(el) => {
            passwordRef.current = el;
            if (username) firstEmpty.current = el;
          }}
          data-testid="login-password"
          value={password}
          onValue={setPassword}
          required
        />
        <FormFooter
          error={error}
          busy={busy}
          submitTestId="login-submit"
          submit="Sign in"
          submitting="Signing in…"
          other="I have an invite"
          onOther={() => setInvited(true)}
        />
      </form>
    </main>
  );
}
