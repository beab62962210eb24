/**
 * The Workspace routes of interface.md: people, channels (create, browse, join, leave, add, rename,
 * archive), direct messages, invites, signing out everywhere. Every change is stored first, then
 * applied live through ctx.notify (this instance's sockets at once, the others through the bus), and
 * answered after that: once the caller has the answer, no socket of a leaver gets the channel any more.
 *
 * A private channel tells a non-member nothing beyond "not allowed" (403), exactly as for history;
 * it never appears in `?all=1`.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
  AddMemberRequest,
  type Channel,
  CreateChannelRequest,
  CreateDmRequest,
  DM_MAX_PEOPLE,
  DM_MIN_PEOPLE,
  ErrorCode,
  HttpErrorCode,
  Id,
  type LoginResponse,
  RedeemInviteRequest,
  UpdateChannelRequest,
  type WorkspaceUser,
} from '../../src-shared/protocol';
import { hashPassword } from '../auth/passwords';
import type { ServerContext } from '../context';
import { forbidden, invalid, notFound } from '../errors';
import { requireMember } from '../membership';
import type { ChannelRecord } from '../store/types';
import { describeZodError } from '../validation';
import { channelInfo, channelOf } from '../workspace/apply';
import { hashInviteToken, INVITE_TOKEN_PATTERN } from '../workspace/invites';
import { clientAddress } from './client-address';
import { HttpError, readJsonBody, sendJson } from './respond';
import { type Route, routeTable } from './route-table';
import { authenticate } from './routes';

const CHANNEL = '/api/channels/([^/]+)';

const ROUTES: Route[] = [
  { method: 'GET', path: /^\/api\/users$/, handler: listUsers },
  { method: 'POST', path: /^\/api\/channels$/, handler: createChannel },
  { method: 'POST', path: new RegExp(`^${CHANNEL}/join$`), handler: joinChannel },
  { method: 'POST', path: new RegExp(`^${CHANNEL}/leave$`), handler: leaveChannel },
  { method: 'POST', path: new RegExp(`^${CHANNEL}/members$`), handler: addMember },
  { method: 'POST', path: new RegExp(`^${CHANNEL}/archive$`), handler: archiveChannel },
  { method: 'PATCH', path: new RegExp(`^${CHANNEL}$`), handler: updateChannel },
  { method: 'POST', path: /^\/api\/dms$/, handler: openDm },
  { method: 'POST', path: /^\/api\/invites\/([^/]+)$/, handler: redeemInvite },
  { method: 'POST', path: /^\/api\/logout-everywhere$/, handler: logoutEverywhere },
];

/** Answers the request when it is a workspace route; false when it is not one. */
export const routeWorkspace = routeTable(ROUTES);

async function body<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await readJsonBody(req));
  if (!parsed.success) throw invalid(describeZodError(parsed.error));
  return parsed.data;
}

const conflict = (message: string) => new HttpError(409, HttpErrorCode.CONFLICT, message);

/** The channel, or 404; a malformed id names no channel. */
async function channelById(ctx: ServerContext, channelId: string): Promise<ChannelRecord> {
  const channel = Id.safeParse(channelId).success ? await ctx.store.getChannel(channelId) : undefined;
  if (!channel) throw notFound('Channel');
  return channel;
}

/** A member may change a channel (not a DM's membership or name) as long as it is not archived. */
async function changeableBy(ctx: ServerContext, channelId: string, userId: string): Promise<ChannelRecord> {
  const channel = await channelById(ctx, channelId);
  await requireMember(ctx.store, channelId, userId);
  if (channel.kind === 'dm') throw forbidden('A direct message cannot be changed');
  if (channel.archived) throw forbidden('The channel is archived');
  return channel;
}

async function answerChannel(
  ctx: ServerContext,
  res: ServerResponse,
  userId: string,
  id: string,
  status = 200,
) {
  const channel = await channelOf(ctx.store, userId, id);
  sendJson(res, status, channel ?? (await channelInfo(ctx.store, id)));
}

async function listUsers(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  await authenticate(ctx, req);
  const users: WorkspaceUser[] = (await ctx.store.listUsers())
    .filter((u) => u.active)
    .map((u) => ({ id: u.id, username: u.username, name: u.name, presence: ctx.presenceOf(u.id) }));
  sendJson(res, 200, users);
}

/** `GET /api/channels?all=1`: the caller's channels (member: true), then the public ones they are not in. */
export async function browseChannels(ctx: ServerContext, userId: string): Promise<Channel[]> {
  const mine = await ctx.store.listChannels(userId);
  const ids = new Set(mine.map((c) => c.id));
  const others = (await ctx.store.listChannelRecords()).filter(
    (c) => c.kind === 'channel' && !c.private && !c.archived && !ids.has(c.id),
  );
  const infos = await Promise.all(others.map((c) => channelInfo(ctx.store, c.id)));
  return [
    ...mine.map((c) => ({ ...c, member: true })),
    ...infos.flatMap((info) => (info ? [{ ...info, lastReadSeq: 0, unreadCount: 0, member: false }] : [])),
  ];
}

async function createChannel(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const userId = await authenticate(ctx, req);
  const request = await body(req, CreateChannelRequest);
  const { channel, created } = await ctx.store.createChannel({
    name: request.name,
    private: request.private ?? false,
    topic: request.topic ?? '',
    createdBy: userId,
    memberIds: [userId],
  });
  if (!created) throw conflict(`The name #${request.name} is taken`);
  await ctx.notify({ type: 'member', channelId: channel.id, userId, joined: true });
  await answerChannel(ctx, res, userId, channel.id, 201);
}

async function joinChannel(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, id: string) {
  const userId = await authenticate(ctx, req);
  const channel = await channelById(ctx, id);
  if (channel.kind === 'dm' || channel.private) throw forbidden('Only public channels can be joined');
  if (channel.archived) throw forbidden('The channel is archived');
  if (await ctx.store.addMember(id, userId)) {
    await ctx.notify({ type: 'member', channelId: id, userId, joined: true });
  }
  await answerChannel(ctx, res, userId, id);
}

async function leaveChannel(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, id: string) {
  const userId = await authenticate(ctx, req);
  const channel = await channelById(ctx, id);
  await requireMember(ctx.store, id, userId);
  if (channel.kind === 'dm') throw forbidden('A direct message cannot be left');
  if (await ctx.store.removeMember(id, userId)) {
    await ctx.notify({ type: 'member', channelId: id, userId, joined: false });
  }
  sendJson(res, 200, { ok: true });
}

async function addMember(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, id: string) {
  const userId = await authenticate(ctx, req);
  await changeableBy(ctx, id, userId);
  const { userId: added } = await body(req, AddMemberRequest);
  const user = await ctx.store.getUser(added);
  if (!user?.active) throw notFound('User');
  if (await ctx.store.addMember(id, added)) {
    await ctx.notify({ type: 'member', channelId: id, userId: added, joined: true });
  }
  await answerChannel(ctx, res, userId, id);
}

async function updateChannel(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, id: string) {
  const userId = await authenticate(ctx, req);
  await changeableBy(ctx, id, userId);
  const changes = await body(req, UpdateChannelRequest);
  if (!(await ctx.store.updateChannel(id, changes))) throw conflict(`The name #${changes.name} is taken`);
  await ctx.notify({ type: 'channel', channelId: id });
  await answerChannel(ctx, res, userId, id);
}

async function archiveChannel(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, id: string) {
  const userId = await authenticate(ctx, req);
  const channel = await changeableBy(ctx, id, userId);
  const caller = await ctx.store.getUser(userId);
  if (channel.createdBy !== userId && !caller?.admin) {
    throw forbidden('Only the creator or an admin can archive a channel');
  }
  await ctx.store.updateChannel(id, { archived: true });
  await ctx.notify({ type: 'channel', channelId: id });
  await answerChannel(ctx, res, userId, id);
}

/** A DM's name is a digest of its sorted member ids: the same set of people always finds the same one. */
export function dmName(userIds: string[]): string {
  const key = [...userIds].sort().join(',');
  return `dm:${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

async function openDm(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const userId = await authenticate(ctx, req);
  const { userIds } = await body(req, CreateDmRequest);
  const people = [...new Set([userId, ...userIds])];
  if (people.length < DM_MIN_PEOPLE || people.length > DM_MAX_PEOPLE) {
    throw invalid(`A direct message has ${DM_MIN_PEOPLE} to ${DM_MAX_PEOPLE} people, you included`);
  }
  const users = await Promise.all(people.map((id) => ctx.store.getUser(id)));
  if (users.some((u) => !u?.active)) throw notFound('User');
  const { channel, created } = await ctx.store.createChannel({
    name: dmName(people),
    kind: 'dm',
    private: true,
    createdBy: userId,
    memberIds: people,
  });
  if (created) {
    for (const member of people) {
      await ctx.notify({ type: 'member', channelId: channel.id, userId: member, joined: true });
    }
  }
  await answerChannel(ctx, res, userId, channel.id, created ? 201 : 200);
}

async function redeemInvite(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, token: string) {
  const { password } = await body(req, RedeemInviteRequest);
  if (!INVITE_TOKEN_PATTERN.test(token)) throw notFound('Invite');
  // scrypt, like a login: through the hash pool, so a flood of guessed invites cannot starve sign-ins.
  const address = clientAddress(req, ctx.trustedProxies);
  const passwordHash = await ctx.hashPool.run(address, () => hashPassword(password));
  const result = await ctx.store.redeemInvite(hashInviteToken(token), passwordHash, new Date().toISOString());
  if (!result.ok) {
    if (result.reason === 'expired') throw new HttpError(410, ErrorCode.FORBIDDEN, 'This invite has expired');
    throw notFound(result.reason === 'used' ? 'Unused invite' : 'Invite');
  }
  const { user } = result;
  // A reset invite also ends the sessions made with the old password.
  await ctx.notify({ type: 'revoke', userId: user.id });
  const answer: LoginResponse = {
    token: await ctx.tokens.sign(user.id, user.tokenVersion),
    user: { id: user.id, name: user.name },
  };
  ctx.logger.info({ event: 'invite_redeemed', userId: user.id }, 'invite redeemed');
  sendJson(res, 200, answer);
}

async function logoutEverywhere(ctx: ServerContext, req: IncomingMessage, res: ServerResponse) {
  const userId = await authenticate(ctx, req);
  await ctx.store.changeAuth(userId, {});
  await ctx.notify({ type: 'revoke', userId });
  sendJson(res, 200, { ok: true });
}
