import type { BridgeError } from '../../src-shared/bridge';

/** The words for a refused attempt at `doing`: by its code, else the ones every attempt shares. */
export function refusalText(
  error: BridgeError,
  serverUrl: string,
  words: {
    doing: string;
    check: string;
    byCode: Partial<Record<string, string | ((error: BridgeError) => string)>>;
  },
): string {
  const text = words.byCode[error.code];
  if (typeof text === 'function') return text(error);
  if (text !== undefined) return text;
  if (error.code === 'SERVER_UNREACHABLE') {
    return `Can't reach the server at ${serverUrl}. Check ${words.check} and that the server is running.`;
  }
  return `Couldn't ${words.doing}: ${error.message || 'unknown error'}. Try again.`;
}

/** What went wrong signing in, in words that say what to do (interface.md: login-error). */
export function signInErrorText(error: BridgeError, serverUrl: string): string {
  const check = 'Check the server address (like http://127.0.0.1:3000), username and password.';
  return refusalText(error, serverUrl, {
    doing: 'sign in',
    check: 'the address',
    byCode: {
      UNAUTHORIZED: 'Wrong username or password. Check them and try again.',
      BAD_REQUEST: check,
      VALIDATION: check,
      RATE_LIMITED: 'Too many attempts. Wait a moment, then try again.',
    },
  });
}

/** A server address the core will accept: an absolute http(s) URL. */
export function serverUrlProblem(value: string): string | null {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? null
      : 'The server address must start with http:// or https://.';
  } catch {
    return 'Enter the full server address, like http://127.0.0.1:3000.';
  }
}
