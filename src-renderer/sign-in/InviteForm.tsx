/** "I have an invite": paste the link an admin gave, choose a password, and be signed in. */
import { type FormEvent, useState } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../src-shared/protocol/limits';
import { useAppStore } from '../store/context';
import { FormFooter, PasswordField, TextField } from './fields';
import { inviteErrorText, parseInvite } from './invite';
import { serverUrlProblem } from './sign-in-errors';

export function InviteForm({ serverUrl, onCancel }: { serverUrl: string; onCancel(): void }) {
  const store = useAppStore();
  const [link, setLink] = useState('');
  const [server, setServer] = useState(serverUrl);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const invite = parseInvite(link, server);
  // A bare token needs the server field; a whole link names its server.
  const needsServer = link.trim() !== '' && invite !== null && !/^https?:/i.test(link.trim());
  const short = password.length > 0 && password.length < MIN_PASSWORD_LENGTH;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!invite) return setError('Paste the invite link you were given (it contains /invite/).');
    const urlProblem = serverUrlProblem(invite.serverUrl);
    if (urlProblem) return setError(urlProblem);
    if (password.length < MIN_PASSWORD_LENGTH)
      return setError(`Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`);
    if (password !== repeat) return setError('The two passwords differ.');
    setBusy(true);
    setError(null);
    const result = await store.getState().redeemInvite({ ...invite, password });
    setBusy(false);
    if (!result.ok) setError(inviteErrorText(result.error, invite.serverUrl));
  }

  return (
    <form className="sign-in-card" onSubmit={submit} aria-labelledby="invite-title" noValidate>
      <h1 id="invite-title">Join with an invite</h1>
      <TextField
        label="Invite link"
        data-testid="invite-link"
        value={link}
        onValue={setLink}
        placeholder="http://relay.example/invite/…"
        autoComplete="off"
        // Focused: the form was opened to type exactly this.
        autoFocus
      />
      {needsServer && <TextField label="Server" type="url" value={server} onValue={setServer} />}
      <PasswordField
        label="New password"
        data-testid="invite-password"
        value={password}
        onValue={setPassword}
        aria-invalid={short}
        aria-describedby="invite-password-rule"
        isNew
      />
      <p id="invite-password-rule" className={`field-hint${short ? ' invalid' : ''}`} aria-live="polite">
        At least {MIN_PASSWORD_LENGTH} characters{short ? ` (${password.length} so far)` : ''}.
      </p>
      <PasswordField
        label="Repeat the password"
        data-testid="invite-password-repeat"
        value={repeat}
        onValue={setRepeat}
        isNew
      />
      <FormFooter
        error={error}
        busy={busy}
        submitTestId="invite-submit"
        submit="Set password and sign in"
        submitting="Joining…"
        other="Back to sign in"
        onOther={onCancel}
      />
    </form>
  );
}
