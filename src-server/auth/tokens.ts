/**
 * Access tokens: HS256 JWTs (jose) whose subject is the user id, with an expiry and the user's token
 * version (`ver`: a token whose version is not the user's current one is revoked; see authenticate.ts). Verification accepts
 * HS256 only, so `alg: none` and tokens made with another algorithm or secret are refused.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
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

export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    sign: (userId, tokenVersion = 0) =>
      new SignJWT({ ver: tokenVersion })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          requiredClaims: ['sub', 'exp'],
        });
        if (typeof payload.sub !== 'string') return { ok: false, reason: AuthRefusalReason.TOKEN_INVALID };
        // Tokens made before versions existed count as version 0, the version every user starts at.
        const version = payload.ver ?? 0;
        if (!Number.isSafeInteger(version)) return { ok: false, reason: AuthRefusalReason.TOKEN_INVALID };
        return {
          ok: true,
          userId: payload.sub,
          tokenVersion: version as number,
          expiresAt: payload.exp! * 1000,
        };
      } catch (err) {
        if (err instanceof errors.JWTExpired) return { ok: false, reason: AuthRefusalReason.TOKEN_EXPIRED };
        return { ok: false, reason: AuthRefusalReason.TOKEN_INVALID };
      }
    },
  };
}
