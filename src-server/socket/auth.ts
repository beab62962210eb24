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

/** What the tracker needs of a socket: when its token expires, and a way to close its transport. */
export interface ExpiringSocket {
  data: { tokenExpiresAt: number };
  conn: { close(): void };
}

/**
 * A connection lives no longer than its token. At expiry the transport is closed (not a Socket.IO
 * disconnect), so the client reconnects by itself, is refused with `token_expired`, and asks its user
 * to sign in again, exactly as if it had reconnected for any other reason.
 *
 * One timer per expiry instant, not per socket: a token's `exp` has whole-second precision and a
 * sign-in storm signs many in one second, so sockets share them (a timer, its closure and a disconnect
 * listener per socket were about 0.4 KB of each connection: figure 5). A socket is forgotten when it
 * goes, and an instant with nobody left loses its timer.
 */
export class TokenExpiries<S extends ExpiringSocket = ExpiringSocket> {
  private readonly due = new Map<number, { sockets: Set<S>; timer: NodeJS.Timeout }>();

  constructor(private readonly now: () => number = Date.now) {}

  add(socket: S): void {
    const at = socket.data.tokenExpiresAt;
    let instant = this.due.get(at);
    if (!instant) {
      instant = { sockets: new Set(), timer: this.arm(at) };
      this.due.set(at, instant);
    }
    instant.sockets.add(socket);
  }

  remove(socket: S): void {
    const at = socket.data.tokenExpiresAt;
    const instant = this.due.get(at);
    if (!instant?.sockets.delete(socket) || instant.sockets.size > 0) return;
    clearTimeout(instant.timer);
    this.due.delete(at);
  }

  /** Timers pending (one per expiry instant with sockets). */
  get size(): number {
    return this.due.size;
  }

  close(): void {
    for (const { timer } of this.due.values()) clearTimeout(timer);
    this.due.clear();
  }

  private arm(at: number): NodeJS.Timeout {
    const remaining = at - this.now();
    const timer = setTimeout(() => this.expire(at), Math.max(0, Math.min(remaining, MAX_TIMER_MS)));
    timer.unref();
    return timer;
  }

  private expire(at: number): void {
    const instant = this.due.get(at);
    if (!instant) return;
    if (at - this.now() > 0) {
      instant.timer = this.arm(at);
      return;
    }
    this.due.delete(at);
    for (const socket of instant.sockets) socket.conn.close();
  }
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
