/** The HTTP API of interface.md: login, channels, history, healthz. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AuthRefusalReason,
  HistoryQuery,
  Id,
  LoginRequest,
  type LoginResponse,
} from '../../src-shared/protocol';
import { authenticateToken } from '../auth/authenticate';
import { decoyPasswordHash, verifyPassword } from '../auth/passwords';
import type { ServerContext } from '../context';
import { invalid } from '../errors';
import { requireMember } from '../membership';
import { describeZodError } from '../validation';
import { clientAddress } from './client-address';
import { sendCompressibleJson } from './compress';
import { readJsonBody, sendJson, unauthorized } from './respond';
import { browseChannels } from './workspace-routes';

export async function login(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = LoginRequest.safeParse(await readJsonBody(req));
  if (!parsed.success) throw invalid(describeZodError(parsed.error));
  // Usernames are matched as people type them: "Alice " finds alice.
  const username = parsed.data.username.trim().toLowerCase();
  const address = clientAddress(req, ctx.trustedProxies);
  // Counted before the password is checked: parallel guesses cannot all get in before the first answer.
  const attempt = await ctx.loginThrottle.begin(address, username).catch((err: unknown) => {
    ctx.metrics.rateLimitRefusals.inc({ scope: 'login' });
    throw err;
  });
  const user = await ctx.store.findUserByUsername(username);
  const hash = user?.passwordHash ?? (await decoyPasswordHash());
  let ok: boolean;
  try {
    ok = await ctx.hashPool.run(address, () => verifyPassword(parsed.data.password, hash));
  } catch (err) {
    await attempt.notChecked();
    throw err;
  }
  // A deactivated user's right password is refused like a wrong one (and stays counted).
  if (!user || !ok || !user.active) {
    ctx.metrics.loginFailures.inc();
    ctx.logger.info({ event: 'login_refused' }, 'login refused');
    throw unauthorized('Wrong username or password');
  }
  await attempt.succeeded();
  const body: LoginResponse = {
    token: await ctx.tokens.sign(user.id, user.tokenVersion),
    user: { id: user.id, name: user.name },
  };
  ctx.logger.info({ event: 'login', userId: user.id }, 'login');
  sendJson(res, 200, body);
}

/** The user behind `Authorization: Bearer TOKEN`, or a 401 whose `reason` is the socket refusal's. */
export async function authenticate(ctx: ServerContext, req: IncomingMessage): Promise<string> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const result = await authenticateToken(ctx, bearer);
  if (!result.ok) throw unauthorized(UNAUTHORIZED_MESSAGES[result.reason], result.reason);
  return result.user.id;
}

const UNAUTHORIZED_MESSAGES: Record<AuthRefusalReason, string> = {
  [AuthRefusalReason.TOKEN_MISSING]: 'Missing bearer token',
  [AuthRefusalReason.TOKEN_INVALID]: 'Invalid token',
  [AuthRefusalReason.TOKEN_EXPIRED]: 'Token expired',
  [AuthRefusalReason.USER_MISMATCH]: 'Token of another user',
  [AuthRefusalReason.TOKEN_REVOKED]: 'Token revoked',
};

/** `?all=1` adds the public channels the caller is not in (workspace-routes.ts). */
export async function listChannels(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  search: URLSearchParams,
) {
  const userId = await authenticate(ctx, req);
  const all = search.get('all') === '1';
  sendJson(res, 200, all ? await browseChannels(ctx, userId) : await ctx.store.listChannels(userId));
}

export async function listMessages(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  channelId: string,
  search: URLSearchParams,
) {
  const userId = await authenticate(ctx, req);
  // A channel id that is not a UUID names no channel.
  await requireMember(ctx.store, Id.safeParse(channelId).success ? channelId : '', userId);
  const parsed = HistoryQuery.safeParse(Object.fromEntries(search));
  if (!parsed.success) throw invalid(describeZodError(parsed.error));
  await sendCompressibleJson(req, res, 200, await ctx.store.listMessages(channelId, userId, parsed.data));
}
