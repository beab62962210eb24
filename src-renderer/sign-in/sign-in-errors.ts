import type { BridgeError } from '../../src-shared/bridge';

/** What went wrong signing in, in words that say what to do (interface.md: login-error). */
export function signInErrorText(error: BridgeError, serverUrl: string): string {
  switch (error.code) {
    case 'UNAUTHORIZED':
      return 'Wrong username or password. Check them and try again.';
    case 'SERVER_UNREACHABLE':
      return `Can't reach the server at ${serverUrl}. Check the address and that the server is running.`;
    case 'BAD_REQUEST':
    case 'VALIDATION':
      return 'Check the server address (like http://127.0.0.1:3000), username and password.';
    case 'RATE_LIMITED':
      return 'Too many attempts. Wait a moment, then try again.';
    default:
      return `Couldn't sign in: ${error.message || 'unknown error'}. Try again.`;
  }
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
