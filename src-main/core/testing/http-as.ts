/** The server's HTTP API as another client of a user (their phone, say), with that user's own token. */
import { login } from '../../../src-server/testing';

export async function httpAs(serverUrl: string, username: string) {
  const { token, user } = await login(serverUrl, username);
  /** One call; its JSON answer, or a throw saying the status and the answer. */
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${serverUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => undefined)) as Record<string, unknown> & { id: string };
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return { token, user, call };
}
