/** One rule for a token, whether it comes with a socket handshake or an HTTP request. */
import { AuthRefusalReason } from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import type { UserRecord } from '../store/types';

export type Authentication =
  | { ok: true; user: UserRecord /** Epoch milliseconds. */; expiresAt: number }
  | { ok: false; reason: AuthRefusalReason };

export async function authenticateToken(
  ctx: ServerContext,
  token: string | undefined,
): Promise<Authentication> {
  if (!token) return { ok: false, reason: AuthRefusalReason.TOKEN_MISSING };
  const verified = await ctx.tokens.verify(token);
  if (!verified.ok) return verified;
  // A valid signature for a user that no longer exists is still an invalid token.
  const user = await ctx.store.getUser(verified.userId);
  if (!user) return { ok: false, reason: AuthRefusalReason.TOKEN_INVALID };
  // Deactivation, a new password or signing out everywhere raised the version: every earlier token fails.
  if (!user.active || user.tokenVersion !== verified.tokenVersion) {
    return { ok: false, reason: AuthRefusalReason.TOKEN_REVOKED };
  }
  return { ok: true, user, expiresAt: verified.expiresAt };
}
