/** History pages are gzipped when the client takes gzip and the page is worth it; small bodies are not. */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageEvent } from '../../src-shared/protocol';
import { demoServer, emitWithAck } from '../testing';
import { acceptsGzip } from './compress';

const demo = demoServer({ messageRateLimit: 0 });
let token: string;
beforeAll(async () => {
  await demo.start();
  const alice = await demo.as('alice');
  token = alice.token;
  for (let i = 0; i < 30; i++) {
    await emitWithAck(alice.socket, MessageEvent.SEND, {
      channelId: demo.general.id,
      content: `message ${i}`,
    });
  }
});
afterAll(() => demo.stop());

/** node:http, not fetch: fetch would unzip behind our back. */
async function raw(path: string, acceptEncoding?: string) {
  const { request } = await import('node:http');
  return new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
    request(`${demo.server.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('compressed history pages', () => {
  it('gzips a page when the client takes gzip, and it unzips to the same JSON', async () => {
    const path = `/api/channels/${demo.general.id}/messages?after=0&limit=500`;
    const plain = await raw(path);
    const zipped = await raw(path, 'gzip, deflate, br');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('Accept-Encoding');
    expect(zipped.body.length).toBeLessThan(plain.body.length / 3);
    expect(JSON.parse(gunzipSync(zipped.body).toString())).toEqual(JSON.parse(plain.body.toString()));
  });

  it('sends a body under 1 KiB as it is', async () => {
    const small = await raw(`/api/channels/${demo.general.id}/messages?after=0&limit=1`, 'gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('reads Accept-Encoding as HTTP means it', () => {
    const req = (value?: string) => ({ headers: value === undefined ? {} : { 'accept-encoding': value } });
    const cases: [string | undefined, boolean][] = [
      [undefined, false],
      ['identity', false],
      ['gzip', true],
      ['deflate, GZIP;q=0.5', true],
      ['gzip;q=0', false],
      ['*', true],
      ['br, gzip; q=0.0', false],
    ];
    for (const [value, expected] of cases)
      expect(acceptsGzip(req(value) as never), String(value)).toBe(expected);
  });
});
