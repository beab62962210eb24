/**
 * The server's HTTP API (interface.md): login, the channel list and history pages. Every response
 * is parsed with the shared schema; failures become BridgeFailures the UI can show.
 */
import { z } from 'zod';
import { BridgeFailure } from '../../src-shared/bridge';
import {
  type Channel,
  ChannelInfo,
  ChannelList,
  Channel as ChannelSchema,
  LoginResponse,
  type Message,
  Message as MessageSchema,
  type MessagesPage,
  MessagesPage as MessagesPageSchema,
  type WorkspaceUser,
  WorkspaceUserList,
} from '../../src-shared/protocol';
import type { FetchFn } from './ports';

export interface ApiClient {
  login(serverUrl: string, username: string, password: string): Promise<LoginResponse>;
  channels(serverUrl: string, token: string): Promise<Channel[]>;
  history(
    serverUrl: string,
    token: string,
    channelId: string,
    query: { after?: number; before?: number; limit?: number },
  ): Promise<MessagesPage>;
  /** The same page, its messages checked a slice at a time as they are used (a catch-up's chunks). */
  historyInSlices(
    serverUrl: string,
    token: string,
    channelId: string,
    query: { after?: number; before?: number; limit?: number },
  ): Promise<SlicedPage>;
  // The workspace (issue 13)
  users(serverUrl: string, token: string): Promise<WorkspaceUser[]>;
  /** `?all=1`: the caller's channels and the public ones they may join. */
  allChannels(serverUrl: string, token: string): Promise<Channel[]>;
  createChannel(
    serverUrl: string,
    token: string,
    body: { name: string; private: boolean; topic?: string },
  ): Promise<Channel>;
  joinChannel(serverUrl: string, token: string, channelId: string): Promise<Channel>;
  leaveChannel(serverUrl: string, token: string, channelId: string): Promise<void>;
  addMember(serverUrl: string, token: string, channelId: string, userId: string): Promise<ChannelInfo>;
  updateChannel(
    serverUrl: string,
    token: string,
    channelId: string,
    body: { name?: string; topic?: string },
  ): Promise<ChannelInfo>;
  archiveChannel(serverUrl: string, token: string, channelId: string): Promise<ChannelInfo>;
  openDm(serverUrl: string, token: string, userIds: string[]): Promise<Channel>;
  redeemInvite(serverUrl: string, token: string, password: string): Promise<LoginResponse>;
  /** Any other route of interface.md, its answer parsed with `schema` (changes-api.ts). */
  json<T>(
    serverUrl: string,
    token: string,
    route: {
      method?: 'GET' | 'PUT';
      path: string;
      query?: Record<string, string | number | undefined>;
      body?: unknown;
    },
    schema: Schema<T>,
  ): Promise<T>;
}

/**
 * A history page whose messages are checked against the protocol's schema a slice at a time, when
 * each slice is used: a catch-up stores a page of 500 in chunks of 25, one a turn of the event loop,
 * and checking the 500 at once held the loop for one turn of 14–46 ms of CPU on each of the first
 * pages, while zod's code was not yet optimised (bench figure 13's loop-delay tail). Nothing is used
 * unchecked: a message that does not pass fails its slice as it failed the page.
 */
export interface SlicedPage extends SlicedMessages {
  hasMore: boolean;
}

/** A page's messages, left unchecked by its envelope, checked a slice at a time as each is used. */
export interface SlicedMessages {
  /** How many messages the page holds. */
  count: number;
  /** Its last message, checked: where the next page starts. */
  last: Message | undefined;
  /** Messages `from` to `to` (exclusive), checked; a BridgeFailure if any does not pass. */
  slice(from: number, to: number): Message[];
}

/** The shared page schema with its messages left unchecked: they are checked a slice at a time. */
const PageEnvelope = MessagesPageSchema.extend({ messages: z.array(z.unknown()) });
const MessageSlice = z.array(MessageSchema);

function historyUrl(
  serverUrl: string,
  channelId: string,
  query: { after?: number; before?: number; limit?: number },
): string {
  const url = new URL(endpoint(serverUrl, `/api/channels/${encodeURIComponent(channelId)}/messages`));
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

function slicedPage(body: unknown): SlicedPage {
  const { messages, hasMore } = parse(PageEnvelope, body);
  return { hasMore, ...slicedMessages(messages) };
}

/** `messages` as a page's envelope left them (unknown), checked a slice at a time (`SlicedMessages`). */
export function slicedMessages(messages: readonly unknown[]): SlicedMessages {
  const tail = messages.at(-1);
  return {
    count: messages.length,
    last: tail === undefined ? undefined : parse(MessageSchema, tail),
    slice: (from, to) => parse(MessageSlice, messages.slice(from, to)),
  };
}

type Schema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false } };

export function createApiClient(fetchFn: FetchFn, timeoutMs: number): ApiClient {
  async function request(url: string, init: RequestInit): Promise<unknown> {
    let response: Response;
    try {
      response = await fetchFn(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      // A port that already knows better (e.g. a bad certificate, said plainly) keeps its words.
      if (error instanceof BridgeFailure) throw error;
      throw new BridgeFailure('SERVER_UNREACHABLE', `Cannot reach the server at ${new URL(url).origin}`);
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (response.ok) return body;
    const message = (body as { error?: unknown } | undefined)?.error;
    const text = typeof message === 'string' ? message : `Server answered ${response.status}`;
    throw new BridgeFailure(codeFor(response.status), text);
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  /** A JSON request with the bearer token (a workspace change). */
  const change = (serverUrl: string, token: string, method: string, path: string, payload: unknown = {}) =>
    request(endpoint(serverUrl, path), {
      method,
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
  const channelPath = (channelId: string, rest = '') =>
    `/api/channels/${encodeURIComponent(channelId)}${rest}`;

  return {
    async login(serverUrl, username, password) {
      const body = await request(endpoint(serverUrl, '/api/login'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      return parse(LoginResponse, body);
    },
    async channels(serverUrl, token) {
      return parse(
        ChannelList,
        await request(endpoint(serverUrl, '/api/channels'), { headers: bearer(token) }),
      );
    },
    async history(serverUrl, token, channelId, query) {
      return parse(
        MessagesPageSchema,
        await request(historyUrl(serverUrl, channelId, query), { headers: bearer(token) }),
      );
    },
    async historyInSlices(serverUrl, token, channelId, query) {
      return slicedPage(await request(historyUrl(serverUrl, channelId, query), { headers: bearer(token) }));
    },
    async users(serverUrl, token) {
      return parse(
        WorkspaceUserList,
        await request(endpoint(serverUrl, '/api/users'), { headers: bearer(token) }),
      );
    },
    async allChannels(serverUrl, token) {
      return parse(
        ChannelList,
        await request(endpoint(serverUrl, '/api/channels?all=1'), { headers: bearer(token) }),
      );
    },
    async createChannel(serverUrl, token, body) {
      return parse(ChannelSchema, await change(serverUrl, token, 'POST', '/api/channels', body));
    },
    async joinChannel(serverUrl, token, channelId) {
      return parse(ChannelSchema, await change(serverUrl, token, 'POST', channelPath(channelId, '/join')));
    },
    async leaveChannel(serverUrl, token, channelId) {
      await change(serverUrl, token, 'POST', channelPath(channelId, '/leave'));
    },
    async addMember(serverUrl, token, channelId, userId) {
      return parse(
        ChannelInfo,
        await change(serverUrl, token, 'POST', channelPath(channelId, '/members'), { userId }),
      );
    },
    async updateChannel(serverUrl, token, channelId, body) {
      return parse(ChannelInfo, await change(serverUrl, token, 'PATCH', channelPath(channelId), body));
    },
    async archiveChannel(serverUrl, token, channelId) {
      return parse(ChannelInfo, await change(serverUrl, token, 'POST', channelPath(channelId, '/archive')));
    },
    async openDm(serverUrl, token, userIds) {
      return parse(ChannelSchema, await change(serverUrl, token, 'POST', '/api/dms', { userIds }));
    },
    async redeemInvite(serverUrl, inviteToken, password) {
      const path = `/api/invites/${encodeURIComponent(inviteToken)}`;
      const body = await request(endpoint(serverUrl, path), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
      });
      return parse(LoginResponse, body);
    },
    async json(serverUrl, token, route, schema) {
      const url = new URL(endpoint(serverUrl, route.path));
      for (const [k, v] of Object.entries(route.query ?? {}))
        if (v !== undefined) url.searchParams.set(k, String(v));
      const init: RequestInit = { method: route.method ?? 'GET', headers: bearer(token) };
      if (route.body !== undefined) {
        init.headers = { ...bearer(token), 'content-type': 'application/json' };
        init.body = JSON.stringify(route.body);
      }
      return parse(schema, await request(url.toString(), init));
    },
  };
}

function endpoint(serverUrl: string, path: string): string {
  return new URL(path, serverUrl).toString();
}

export function codeFor(status: number): BridgeFailure['code'] {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 400) return 'VALIDATION';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  // An invite past its seven days.
  if (status === 410) return 'FORBIDDEN';
  if (status === 429) return 'RATE_LIMITED';
  // A proxy or load balancer with no server behind it: as good as unreachable.
  if (status === 502 || status === 503 || status === 504) return 'SERVER_UNREACHABLE';
  return 'INTERNAL';
}

function parse<T>(schema: Schema<T>, v: unknown): T {
  const result = schema.safeParse(v);
  if (!result.success)
    throw new BridgeFailure('INTERNAL', 'The server sent an answer this app does not understand');
  return result.data;
}
