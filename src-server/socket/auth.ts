/**
 * Handshake authentication. Every refusal is a `connect_error` with message `Unauthorized` and
 * `data.reason` one of token_missing, token_invalid (also: the user no longer exists), token_expired,
 * user_mismatch. The token itself is never logged.
 */
import type { ExtendedError } from 'socket.io';
import { AuthRefusalReason, HandshakeAuth, UNAUTHORIZED_MESSAGE } from '../../src-shared/protocol';
import { authenticateToken } from '../auth/authenticate';
import type { ServerContext } from '../context';
import type { RelaySocket } from './types';

function refusal(reason: AuthRefusalReason): ExtendedError {
  const err: ExtendedError = new Error(UNAUTHORIZED_MESSAGE);
  err.data = { reason };
  return err;
}

async function authenticate(ctx: ServerContext, socket: RelaySocket): Promise<AuthRefusalReason | undefined> {
  const auth = HandshakeAuth.safeParse(socket.handshake.auth ?? {});
  if (!auth.success) return AuthRefusalReason.TOKEN_INVALID;
  const result = await authenticateToken(ctx, auth.data.token);
  if (!result.ok) return result.reason;
  const { userId } = auth.data;
  if (userId !== undefined && userId !== result.user.id) return AuthRefusalReason.USER_MISMATCH;
  socket.data.userId = result.user.id;
  socket.data.userName = result.user.name;
  socket.data.tokenExpiresAt = result.expiresAt;
  return undefined;
}

/** setTimeout's longest delay (about 24.8 days); a longer-lived token is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A connection lives no longer than its token. At expiry the transport is closed (not a Socket.IO
 * disconnect), so the client reconnects by itself, is refused with `token_expired`, and asks its user
 * to sign in again, exactly as if it had reconnected for any other reason.
 */
export function endAtTokenExpiry(socket: RelaySocket): void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const remaining = socket.data.tokenExpiresAt - Date.now();
    timer = setTimeout(
      remaining > MAX_TIMER_MS ? arm : () => socket.conn.close(),
      Math.min(remaining, MAX_TIMER_MS),
    );
    timer.unref();
  };
  arm();
  socket.once('disconnect', () => clearTimeout(timer));
}

export function authMiddleware(ctx: ServerContext) {
  return (socket: RelaySocket, next: (err?: ExtendedError) => void): void => {
    authenticate(ctx, socket).then(
      (reason) => {
        if (reason)
          ctx.logger.info({ event: 'auth_refused', reason, socketId: socket.id }, 'connection refused');
        next(reason ? refusal(reason) : undefined);
      },
      (err: unknown) => {
        ctx.logger.error({ err, socketId: socket.id }, 'authentication failed');
        next(new Error('Internal error'));
      },
    );
  };
}
