/**
 * Certificate failures against a real HTTPS server with a self-signed certificate (made with openssl),
 * through the core's real sign-in call: refused, and said plainly.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../core/api';
import { describeCertificateError, withCertificateErrors } from './certificates';

let dir = '';
let server: Server;
let origin = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-cert-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  server = createServer(
    { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) },
    (_req, res) => res.end('{"token":"should never be read"}'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('certificate errors', () => {
  it("refuses a self-signed server at sign-in and says so plainly, not 'cannot reach'", async () => {
    const api = createApiClient(withCertificateErrors(globalThis.fetch), 5000);
    const failure = await api.login(origin, 'alice', 'password').then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'SERVER_UNREACHABLE' });
    expect((failure as Error).message).toBe(
      `The certificate of ${origin} is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT). Relay does not connect to a server it cannot verify; ask its administrator to fix the certificate.`,
    );
  });

  it("names Chromium's certificate errors too, and leaves other failures alone", () => {
    expect(describeCertificateError(new Error('net::ERR_CERT_DATE_INVALID'), 'https://x')).toContain(
      'has expired or is not valid yet (net::ERR_CERT_DATE_INVALID)',
    );
    expect(
      describeCertificateError(
        new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }),
        'https://x',
      ),
    ).toBeNull();
  });
});
