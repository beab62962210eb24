/** The HTTP routes of "messages that change" (interface.md): the changes feed, preferences, search. */
import {
  type ChangesPage,
  ChangesPage as ChangesPageSchema,
  ChannelPreferences,
  type SearchPage,
  SearchPage as SearchPageSchema,
} from '../../src-shared/protocol';
import type { Credentials } from './account';
import type { ApiClient } from './api';

const channelPath = (channelId: string, rest: string) =>
  `/api/channels/${encodeURIComponent(channelId)}${rest}`;

export function fetchChanges(
  api: ApiClient,
  { serverUrl, token }: Credentials,
  channelId: string,
  after: number,
  limit: number,
): Promise<ChangesPage> {
  return api.json(
    serverUrl,
    token,
    { path: channelPath(channelId, '/changes'), query: { after, limit } },
    ChangesPageSchema,
  );
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
