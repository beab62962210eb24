/**
 * Access tokens: HS256 JWTs whose subject is the user id, with an expiry and the user's token version
 * (`ver`: a token whose version is not the user's current one is revoked; see authenticate.ts).
 *
 * Signed with jose. Verified here with node:crypto's HMAC, synchronously: jose verifies through WebCrypto
 * (a key import and an async job per call), about 0.4 ms a token against 16 µs, and every socket handshake
 * verifies one: it was a fifth of the server's CPU in a connect storm (BENCHMARKS.md, conn5). The rules are
 * jose's `jwtVerify` with our options (tokens.test.ts checks both agree on every forgery it tries):
 * exactly three base64url parts; the header a JSON object with `alg` HS256 (nothing else: `none` and every
 * other algorithm are refused) and no `crit`; the signature compared in constant time; the claims a JSON
 * object with `iss` "relay", a string `sub` and a numeric `exp`; `iat` and `nbf` numeric when present,
 * `nbf` not in the future, `exp` still ahead (no clock tolerance).
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';
import { AuthRefusalReason } from '../../src-shared/protocol';

const ALGORITHM = 'HS256';
const ISSUER = 'relay';

export interface TokenService {
  /** tokenVersion: the user's current one (0, the version every user starts at, when omitted). */
  sign(userId: string, tokenVersion?: number): Promise<string>;
  verify(token: string): Promise<VerifyResult>;
}

export type VerifyResult =
  | { ok: true; userId: string; tokenVersion: number /** Epoch milliseconds. */; expiresAt: number }
  | { ok: false; reason: typeof AuthRefusalReason.TOKEN_INVALID | typeof AuthRefusalReason.TOKEN_EXPIRED };

const INVALID = { ok: false, reason: AuthRefusalReason.TOKEN_INVALID } as const;
const EXPIRED = { ok: false, reason: AuthRefusalReason.TOKEN_EXPIRED } as const;

/** base64url without padding, as JWS compact serialisation writes it. */
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A base64url part as a JSON object, or undefined (bad encoding, bad UTF-8, bad JSON, not an object). */
function jsonObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(utf8.decode(Buffer.from(part, 'base64url')));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const isNumber = (value: unknown): value is number => typeof value === 'number';

/** The HS256 check of a compact JWT against `key`; the claims when it holds. */
export function verifyHs256(
  token: string,
  key: KeyObject,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3) return INVALID;
  const [header, payload, signature] = parts as [string, string, string];
  if (!BASE64URL.test(header) || !BASE64URL.test(payload) || !BASE64URL.test(signature)) return INVALID;
  const expected = createHmac('sha256', key).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return INVALID;
  const protectedHeader = jsonObject(header);
  if (protectedHeader?.alg !== ALGORITHM || Object.hasOwn(protectedHeader, 'crit')) return INVALID;
  const claims = jsonObject(payload);
  if (!claims || claims.iss !== ISSUER || typeof claims.sub !== 'string') return INVALID;
  const { exp, iat, nbf } = claims;
  if (!isNumber(exp) || (iat !== undefined && !isNumber(iat))) return INVALID;
  if (nbf !== undefined && (!isNumber(nbf) || nbf > nowSeconds)) return INVALID;
  if (exp <= nowSeconds) return EXPIRED;
  // Tokens made before versions existed count as version 0, the version every user starts at.
  const version = claims.ver ?? 0;
  if (!Number.isSafeInteger(version)) return INVALID;
  return { ok: true, userId: claims.sub, tokenVersion: version as number, expiresAt: exp * 1000 };
}

export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  const bytes = new TextEncoder().encode(secret);
  const key = createSecretKey(bytes);
  return {
    sign: (userId, tokenVersion = 0) =>
      new SignJWT({ ver: tokenVersion })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(bytes),
    verify: async (token) => verifyHs256(token, key),
  };
}
