/** The session kept in the SecretStore: server, user and (unless refused) the token. */
import { z } from 'zod';
import { UserSummary } from '../../src-shared/protocol';
import { parseWebUrl } from './web-url';

export const StoredSession = z.object({
  serverUrl: z.string().url(),
  user: UserSummary,
  /** null after the server refused it: the user and the outbox stay, waiting for a new sign-in. */
  token: z.string().min(1).nullable(),
});
export type StoredSession = z.infer<typeof StoredSession>;

export function parseSession(raw: string | null): StoredSession | null {
  if (!raw) return null;
  try {
    const parsed = StoredSession.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function serialiseSession(session: StoredSession): string {
  return JSON.stringify(session);
}

/** The server's origin (one spelling per server, whatever the user typed); http(s) only. */
export function normaliseServerUrl(url: string): string {
  return parseWebUrl(
    url,
    'The server address is not a valid URL',
    'The server address must start with http:// or https://',
  ).origin;
}
