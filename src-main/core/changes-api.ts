/** The HTTP routes of "messages that change" (interface.md): the changes feed, preferences, search. */
import { z } from 'zod';
import {
  ChangesPage as ChangesPageSchema,
  ChannelPreferences,
  type SearchPage,
  SearchPage as SearchPageSchema,
} from '../../src-shared/protocol';
import type { Credentials } from './account';
import { type ApiClient, type SlicedMessages, slicedMessages } from './api';

const channelPath = (channelId: string, rest: string) =>
  `/api/channels/${encodeURIComponent(channelId)}${rest}`;

/**
 * A page of the changes feed whose messages are checked a slice at a time, as they are applied (api.ts,
 * `SlicedMessages`): after a catch-up the feed brings every message the catch-up just stored (each new
 * message has a changeSeq), so each channel's first page is a full 500, and checking it whole held the
 * event loop for one turn (bench figure 13).
 */
export interface SlicedChangesPage extends SlicedMessages {
  /** The cursor for the next request (the shared schema's `changeSeq`). */
  changeSeq: number;
  hasMore: boolean;
}

const ChangesEnvelope = ChangesPageSchema.extend({ messages: z.array(z.unknown()) });

export async function fetchChanges(
  api: ApiClient,
  { serverUrl, token }: Credentials,
  channelId: string,
  after: number,
  limit: number,
): Promise<SlicedChangesPage> {
  const { messages, changeSeq, hasMore } = await api.json(
    serverUrl,
    token,
    { path: channelPath(channelId, '/changes'), query: { after, limit } },
    ChangesEnvelope,
  );
  return { changeSeq, hasMore, ...slicedMessages(messages) };
}

export function fetchPreferences(
  api: ApiClient,
  { serverUrl, token }: Credentials,
  channelId: string,
): Promise<ChannelPreferences> {
  return api.json(serverUrl, token, { path: channelPath(channelId, '/preferences') }, ChannelPreferences);
}

export function storePreferences(
  api: ApiClient,
  { serverUrl, token }: Credentials,
  channelId: string,
  patch: Partial<ChannelPreferences>,
): Promise<ChannelPreferences> {
  return api.json(
    serverUrl,
    token,
    { method: 'PUT', path: channelPath(channelId, '/preferences'), body: patch },
    ChannelPreferences,
  );
}

export function searchServer(
  api: ApiClient,
  { serverUrl, token }: Credentials,
  query: { q: string; channelId?: string; limit: number },
): Promise<SearchPage> {
  return api.json(serverUrl, token, { path: '/api/search', query }, SearchPageSchema);
}
