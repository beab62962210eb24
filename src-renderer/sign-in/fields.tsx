/** The parts both sign-in forms (SignIn.tsx, InviteForm.tsx) are made of. */
import type { InputHTMLAttributes, Ref } from 'react';

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & {
  label: string;
  value: string;
  onValue(value: string): void;
  ref?: Ref<HTMLInputElement>;
};

/**
 * An input inside its label (so the label names it); `onValue` gets what was typed. What these forms ask
 * for (addresses, links, usernames, passwords) is taken verbatim: no spell check, no capitals added.
 */
export function TextField({ label, value, onValue, ...input }: TextFieldProps) {
  return (
    <label>
      {label}
      <input
        spellCheck={false}
        autoCapitalize="none"
        {...input}
        value={value}
        onChange={(e) => onValue(e.target.value)}
      />
    </label>
  );
}

/** A password input: `isNew` for one being chosen (a password manager may offer one), else the current one. */
export function PasswordField({
  isNew,
  ...field
}: Omit<TextFieldProps, 'type' | 'autoComplete'> & { isNew?: boolean }) {
  return <TextField {...field} type="password" autoComplete={isNew ? 'new-password' : 'current-password'} />;
}

/** Why the last attempt failed (interface.md: login-error), read out as it appears. */
export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p data-testid="login-error" className="login-error" role="alert">
      {error}
    </p>
  );
}

/** The foot of a sign-in form: why the last attempt failed, its submit button, and the way to the other form. */
export function FormFooter(props: {
  error: string | null;
  busy: boolean;
  submitTestId: string;
  submit: string;
  /** The submit button's words while the attempt runs (it is disabled meanwhile). */
  submitting: string;
  other: string;
  onOther(): void;
}) {
  return (
    <>
      <FormError error={props.error} />
      <button data-testid={props.submitTestId} type="submit" className="primary" disabled={props.busy}>
        {props.busy ? props.submitting : props.submit}
      </button>
      <button type="button" className="link-button" onClick={props.onOther}>
        {props.other}
      </button>
    </>
  );
}
