/**
 * The HTTP half of "Messages that change" (interface.md): the change feed an app catches up with,
 * per-user channel preferences, and full-text search. Member-only, as history is: an unknown channel
 * is 404, someone else's 403.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { z } from 'zod';
import {
  ChangesQuery,
  ErrorCode,
  Id,
  SearchQuery,
  UpdatePreferencesRequest,
} from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { invalid } from '../errors';
import { consume, type LimitBackend } from '../limits/limiter';
import { requireMember } from '../membership';
import { describeZodError } from '../validation';
import { sendCompressibleJson } from './compress';
import { HttpError, readJsonBody, sendJson } from './respond';
import { authenticate } from './routes';

const CHANGES_PATH = /^\/api\/channels\/([^/]+)\/changes$/;
const PREFERENCES_PATH = /^\/api\/channels\/([^/]+)\/preferences$/;
const SEARCH_PATH = '/api/search';

/** A search reads an index across every channel of the caller: 30 per 10 s per user is plenty for a person. */
export const SEARCH_LIMIT = { name: 'search', points: 30, windowSeconds: 10 };
const searchLimiters = new WeakMap<LimitBackend, RateLimiterAbstract>();

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(describeZodError(parsed.error));
  return parsed.data;
}

/** The caller, a member of the channel named in the path (a malformed id names no channel). */
async function memberOf(ctx: ServerContext, req: IncomingMessage, channelId: string): Promise<string> {
  const userId = await authenticate(ctx, req);
  await requireMember(ctx.store, Id.safeParse(channelId).success ? channelId : '', userId);
  return userId;
}

function allow(method: string, allowed: string[]): void {
  if (!allowed.includes(method))
    throw new HttpError(405, ErrorCode.VALIDATION, `Method ${method} not allowed`);
}

/** Answers the request when it is one of these routes; false when it is not. */
export async function routeChanges(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  method: string,
): Promise<boolean> {
  const changes = CHANGES_PATH.exec(url.pathname);
  if (changes) {
    allow(method, ['GET']);
    const channelId = changes[1]!;
    await memberOf(ctx, req, channelId);
    const { after, limit } = parse(ChangesQuery, Object.fromEntries(url.searchParams));
    await sendCompressibleJson(req, res, 200, await ctx.store.listChanges(channelId, after, limit));
    return true;
  }
  const preferences = PREFERENCES_PATH.exec(url.pathname);
  if (preferences) {
    allow(method, ['GET', 'PUT']);
    const channelId = preferences[1]!;
    const userId = await memberOf(ctx, req, channelId);
    const current = await ctx.store.getPreferences(channelId, userId);
    if (method === 'GET') {
      sendJson(res, 200, current);
      return true;
    }
    const update = parse(UpdatePreferencesRequest, await readJsonBody(req));
    const next = { notify: update.notify ?? current.notify, muted: update.muted ?? current.muted };
    await ctx.store.setPreferences(channelId, userId, next);
    sendJson(res, 200, next);
    return true;
  }
  if (url.pathname === SEARCH_PATH) {
    allow(method, ['GET']);
    const userId = await authenticate(ctx, req);
    const query = parse(SearchQuery, Object.fromEntries(url.searchParams));
    let limiter = searchLimiters.get(ctx.limits);
    if (!limiter) {
      limiter = ctx.limits.limiter(SEARCH_LIMIT);
      searchLimiters.set(ctx.limits, limiter);
    }
    await consume(limiter, userId, 'Too many searches: try again in a moment');
    if (query.channelId !== undefined) await requireMember(ctx.store, query.channelId, userId);
    await sendCompressibleJson(req, res, 200, await ctx.store.searchMessages(userId, query));
    return true;
  }
  return false;
}
