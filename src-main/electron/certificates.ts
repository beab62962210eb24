/**
 * A bad certificate is never accepted, and never reported as a vague "cannot reach the server": the
 * user is told what is wrong with it, and that Relay will not connect past it. Covers Node's TLS errors
 * (undici's fetch, socket.io-client) and Chromium's (`net.fetch`, the window's own requests).
 */
import { BridgeFailure } from '../../src-shared/bridge';
import type { FetchFn } from '../core/ports';

const NODE_CODES: Record<string, string> = {
  CERT_HAS_EXPIRED: 'has expired',
  CERT_NOT_YET_VALID: 'is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'is signed by an authority this computer does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'is signed by an authority this computer does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'is for another server name',
  CERT_REVOKED: 'has been revoked',
};

const CHROMIUM_CODES: Record<string, string> = {
  'net::ERR_CERT_DATE_INVALID': 'has expired or is not valid yet',
  'net::ERR_CERT_AUTHORITY_INVALID': 'is signed by an authority this computer does not trust',
  'net::ERR_CERT_COMMON_NAME_INVALID': 'is for another server name',
  'net::ERR_CERT_REVOKED': 'has been revoked',
};

/** The user-facing sentence for a certificate failure anywhere in `error`'s cause chain, else null. */
export function describeCertificateError(error: unknown, origin: string): string | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : typeof e === 'string' ? e : '';
    const chromium = /net::ERR_CERT_[A-Z_]+/.exec(text)?.[0];
    const what =
      (typeof code === 'string' ? NODE_CODES[code] : undefined) ??
      (chromium ? (CHROMIUM_CODES[chromium] ?? 'is not valid') : undefined);
    if (what) {
      const detail = typeof code === 'string' && NODE_CODES[code] ? code : chromium;
      return `The certificate of ${origin} ${what} (${detail}). Relay does not connect to a server it cannot verify; ask its administrator to fix the certificate.`;
    }
  }
  return null;
}

/** The core's fetch port, with certificate failures turned into that sentence (code SERVER_UNREACHABLE). */
export function withCertificateErrors(fetchFn: FetchFn): FetchFn {
  return async (input, init) => {
    try {
      return await fetchFn(input, init);
    } catch (error) {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const message = describeCertificateError(error, new URL(url).origin);
      throw message ? new BridgeFailure('SERVER_UNREACHABLE', message) : error;
    }
  };
}
