/**
 * Who may use the browser host, as Jupyter does it: the host prints an address carrying a one-time
 * launch token; the browser that opens it trades the token for an HttpOnly, SameSite=Strict session
 * cookie; that cookie, and nothing a page or a port scan can read, admits every later request and the
 * bridge WebSocket. A local process that never saw the printed address gets nothing, whatever Origin
 * it claims (issue 11: the host used to hand its secret to anyone who could reach 127.0.0.1).
 *
 * A used token is replaced at once (the host prints the new address for another browser). Sessions are
 * HMACs under a key the host keeps in its user data folder (0600), so a page stays admitted when the
 * host restarts; deleting the key file signs every browser out.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_PARAM = 'token';

export type HostAccess = {
  /** The token the next browser must present (`?token=`); replaced once used. */
  readonly token: string;
  /** The session cookie value for the current token, once; null for any other token. */
  redeem(presented: string): string | null;
  /** Whether a request's Cookie header carries a session this host (or its key) issued. */
  admits(cookieHeader: string | undefined): boolean;
  /** The Set-Cookie header that hands a session to the browser. */
  setCookie(session: string): string;
};

export function createHostAccess(options: {
  /** The session key; a fresh one (sessions end with this process) when absent. */
  key?: Buffer;
  /** Cookies are per host name, not per port: each host names its own, so two hosts never clash. */
  cookieName: () => string;
  onTokenUsed?: () => void;
}): HostAccess {
  const key = options.key ?? randomBytes(32);
  let token = newToken();
  const sign = (nonce: string) =>
    createHmac('sha256', key).update(`relay-web-session:${nonce}`).digest('base64url');

  return {
    get token() {
      return token;
    },
    redeem(presented) {
      if (!sameText(presented, token)) return null;
      token = newToken();
      options.onTokenUsed?.();
      const nonce = randomBytes(18).toString('base64url');
      return `${nonce}.${sign(nonce)}`;
    },
    admits(cookieHeader) {
      const name = options.cookieName();
      for (const part of (cookieHeader ?? '').split(';')) {
        const [cookie, value = ''] = part.trim().split('=', 2);
        if (cookie !== name) continue;
        const [nonce = '', mac = ''] = value.split('.', 2);
        if (nonce && sameText(mac, sign(nonce))) return true;
      }
      return false;
    },
    setCookie(session) {
      return `${options.cookieName()}=${session}; Path=/; HttpOnly; SameSite=Strict`;
    },
  };
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameText(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const KEY_FILE = 'web-host.key';
const KEY_BYTES = 32;

/** This user data folder's session key, made (0600, readable by its owner alone) on first use. */
export function loadSessionKey(userData: string): Buffer {
  const file = join(userData, KEY_FILE);
  try {
    const key = readFileSync(file);
    if (key.length === KEY_BYTES) return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(KEY_BYTES);
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
