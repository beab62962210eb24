/**
 * The token check (node:crypto HMAC) against jose's own `jwtVerify` with the options the server used to
 * give it: both must agree on every token, good or forged, and the verdict must be the expected one.
 */
import { createHmac } from 'node:crypto';
import { jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthRefusalReason } from '../../src-shared/protocol';
import { createTokenService } from './tokens';

const SECRET = 'a-test-secret-of-a-reasonable-length-0123456789';
const KEY = new TextEncoder().encode(SECRET);
const NOW = Math.floor(Date.now() / 1000);

const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}, key = KEY) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header }).sign(key);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token signed by hand: any header and payload bytes, a correct HS256 signature. */
function handMade(headerPart: string, payloadPart: string): string {
  const signature = createHmac('sha256', KEY).update(`${headerPart}.${payloadPart}`).digest('base64url');
  return `${headerPart}.${payloadPart}.${signature}`;
}

const GOOD = { sub: 'u1', iss: 'relay', exp: NOW + 600, iat: NOW, ver: 3 };

/** What jose said of a token, in the service's terms. */
async function joseVerdict(token: string): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, KEY, {
      algorithms: ['HS256'],
      issuer: 'relay',
      requiredClaims: ['sub', 'exp'],
    });
    if (typeof payload.sub !== 'string' || !Number.isSafeInteger(payload.ver ?? 0)) return 'token_invalid';
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'token_expired' : 'token_invalid';
  }
}

describe('token verification', () => {
  const service = createTokenService(SECRET, 3600);

  it('accepts its own tokens, with their user, version and expiry', async () => {
    const token = await service.sign('user-1', 7);
    const result = await service.verify(token);
    expect(result).toMatchObject({ ok: true, userId: 'user-1', tokenVersion: 7 });
    expect(result.ok && result.expiresAt).toBeGreaterThan(Date.now() + 3_590_000);
    expect(await joseVerdict(token)).toBe('ok');
  });

  const cases: [string, () => Promise<string> | string, 'ok' | 'token_invalid' | 'token_expired'][] = [
    ['a good token without ver (version 0)', () => sign({ ...GOOD, ver: undefined }), 'ok'],
    [
      'another secret',
      () => sign(GOOD, {}, new TextEncoder().encode('another-secret-0123456789abcdef')),
      'token_invalid',
    ],
    ['alg none', () => new UnsecuredJWT(GOOD).encode(), 'token_invalid'],
    ['HS512 with the same secret', () => sign(GOOD, { alg: 'HS512' }), 'token_invalid'],
    ['HS384 with the same secret', () => sign(GOOD, { alg: 'HS384' }), 'token_invalid'],
    ['expired', () => sign({ ...GOOD, exp: NOW - 1 }), 'token_expired'],
    ['expiring this second', () => sign({ ...GOOD, exp: NOW - 0 }), 'token_expired'],
    ['not valid before a future time', () => sign({ ...GOOD, nbf: NOW + 120 }), 'token_invalid'],
    ['valid since a past time', () => sign({ ...GOOD, nbf: NOW - 120 }), 'ok'],
    ['nbf not a number', () => sign({ ...GOOD, nbf: '0' }), 'token_invalid'],
    ['iat not a number', () => sign({ ...GOOD, iat: 'yesterday' }), 'token_invalid'],
    ['exp not a number', () => sign({ ...GOOD, exp: String(NOW + 600) }), 'token_invalid'],
    ['another issuer', () => sign({ ...GOOD, iss: 'someone-else' }), 'token_invalid'],
    ['no issuer', () => sign({ ...GOOD, iss: undefined }), 'token_invalid'],
    ['no subject', () => sign({ ...GOOD, sub: undefined }), 'token_invalid'],
    ['no expiry', () => sign({ ...GOOD, exp: undefined }), 'token_invalid'],
    ['a version that is not an integer', () => sign({ ...GOOD, ver: 1.5 }), 'token_invalid'],
    [
      'a critical header extension',
      () => handMade(b64({ alg: 'HS256', crit: ['x-ours'], 'x-ours': 1 }), b64(GOOD)),
      'token_invalid',
    ],
    [
      'a subject that is not a string',
      () => handMade(b64({ alg: 'HS256' }), b64({ ...GOOD, sub: 42 })),
      'token_invalid',
    ],
    ['claims that are an array', () => handMade(b64({ alg: 'HS256' }), b64([GOOD])), 'token_invalid'],
    [
      'claims that are not JSON',
      () => handMade(b64({ alg: 'HS256' }), Buffer.from('{"sub":').toString('base64url')),
      'token_invalid',
    ],
    [
      'claims that are not UTF-8',
      () => handMade(b64({ alg: 'HS256' }), Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')),
      'token_invalid',
    ],
    ['a header without alg', () => handMade(b64({ typ: 'JWT' }), b64(GOOD)), 'token_invalid'],
    ['a header that is not an object', () => handMade(b64('HS256'), b64(GOOD)), 'token_invalid'],
    ['a hand-made good token', () => handMade(b64({ alg: 'HS256' }), b64(GOOD)), 'ok'],
    ['padding in a part', () => handMade(`${b64({ alg: 'HS256' })}=`, b64(GOOD)), 'token_invalid'],
    [
      'a character outside base64url',
      () => handMade(b64({ alg: 'HS256' }), `${b64(GOOD)}+`),
      'token_invalid',
    ],
    ['two parts', () => `${b64({ alg: 'HS256' })}.${b64(GOOD)}`, 'token_invalid'],
    ['four parts', async () => `${await sign(GOOD)}.x`, 'token_invalid'],
    ['an empty string', () => '', 'token_invalid'],
    [
      'the payload changed after signing',
      async () => {
        const [header, , signature] = (await sign(GOOD)).split('.');
        return `${header}.${b64({ ...GOOD, sub: 'admin' })}.${signature}`;
      },
      'token_invalid',
    ],
    ['a signature cut short', async () => (await sign(GOOD)).slice(0, -2), 'token_invalid'],
  ];

  it.each(cases)('%s: as jose says', async (_name, make, expected) => {
    const token = await make();
    const result = await service.verify(token);
    const verdict = result.ok ? 'ok' : result.reason;
    expect(verdict).toBe(expected);
    expect(await joseVerdict(token)).toBe(expected);
    if (result.ok) expect(result.userId).toBe('u1');
    else expect([AuthRefusalReason.TOKEN_INVALID, AuthRefusalReason.TOKEN_EXPIRED]).toContain(result.reason);
  });
});
