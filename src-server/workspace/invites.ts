/**
 * One-time invite tokens: 32 random bytes (base64url) in the link, only their SHA-256 in the store. A
 * fast hash is enough here (unlike passwords): the token is random, so there is nothing to guess.
 */
import { createHash, randomBytes } from 'node:crypto';
import { INVITE_TTL_MS } from '../../src-shared/protocol';
import type { Store } from '../store/types';

/** What a token looks like: anything else is refused before any work is done. */
export const INVITE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashInviteToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Stores a new invite for the user and returns its token (shown once, never stored). */
export async function createInvite(store: Store, userId: string, now = Date.now()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await store.createInvite(userId, hashInviteToken(token), new Date(now + INVITE_TTL_MS).toISOString());
  return token;
}

/** The link an invited person opens: RELAY_URL/invite/TOKEN. */
export function inviteLink(relayUrl: string, token: string): string {
  return `${relayUrl.replace(/\/+$/, '')}/invite/${token}`;
}
