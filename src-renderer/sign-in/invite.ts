import type { BridgeError } from '../../src-shared/bridge';
import { refusalText } from './sign-in-errors';

/**
 * What an invited person pastes: the whole link (`RELAY_URL/invite/TOKEN`, which also names the
 * server) or the token alone (then the server field says where). Null when there is no token in it.
 */
export function parseInvite(
  text: string,
  fallbackServer: string,
): { serverUrl: string; token: string } | null {
  const value = text.trim();
  if (!value) return null;
  try {
    const url = new URL(value);
    const match = /^(.*)\/invite\/([^/?#]+)\/?$/.exec(url.pathname);
    if (!match?.[2]) return null;
    return { serverUrl: `${url.origin}${match[1] ?? ''}`, token: decodeURIComponent(match[2]) };
  } catch {
    return /^[A-Za-z0-9_-]+$/.test(value) ? { serverUrl: fallbackServer.trim(), token: value } : null;
  }
}

export function inviteErrorText(error: BridgeError, serverUrl: string): string {
  const check = (refused: BridgeError) => refused.message || 'Check the invite link and the password.';
  return refusalText(error, serverUrl, {
    doing: 'use the invite',
    check: 'the link',
    byCode: {
      NOT_FOUND: 'This invite is unknown or has already been used. Ask your admin for a new one.',
      FORBIDDEN: 'This invite has expired (invites last 7 days). Ask your admin for a new one.',
      VALIDATION: check,
      BAD_REQUEST: check,
    },
  });
}
