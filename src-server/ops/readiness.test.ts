/**
 * GET /readyz: 200 while the store answers (and Redis, when configured), 503 once either does not;
 * GET /healthz stays 200 all along (liveness: the process answers).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../src-main/core/testing/harness';
import { type RedisProcess, redisUnavailable, startRedis } from '../redis-server';
import { startTestServer, type TestServer } from '../testing';

const noRedis = redisUnavailable();
if (noRedis) console.warn(`readiness.test.ts: the Redis case is skipped: ${noRedis}`);

let server: TestServer | undefined;
let redis: RedisProcess | undefined;
afterEach(async () => {
  await server?.close();
  await redis?.stop();
  server = redis = undefined;
});

async function probe(path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server!.url}${path}`);
  return { status: res.status, body: await res.json() };
}

describe('GET /readyz', () => {
  it('is 200 while the store answers a query, 503 once it does not; /healthz stays 200', async () => {
    server = await startTestServer();
    expect(await probe('/readyz')).toEqual({ status: 200, body: { ok: true, checks: { store: 'ok' } } });
    await server.store.close();
    expect(await probe('/readyz')).toEqual({ status: 503, body: { ok: false, checks: { store: 'failed' } } });
    expect((await probe('/healthz')).status).toBe(200);
  });

  it.skipIf(noRedis !== undefined)('checks Redis with a PING when REDIS_URL is set', async () => {
    redis = await startRedis();
    server = await startTestServer({ redisUrl: redis.url });
    expect(await probe('/readyz')).toEqual({
      status: 200,
      body: { ok: true, checks: { store: 'ok', redis: 'ok' } },
    });
    await redis.stop();
    const down = await probe('/readyz');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      ok: false,
      checks: { store: 'ok', redis: expect.not.stringMatching(/^ok$/) },
    });
    expect((await probe('/healthz')).status).toBe(200);
    // Redis back on its port: the instance is ready again by itself.
    redis = await startRedis(Number(new URL(redis.url).port));
    await waitFor(async () => (await probe('/readyz')).status === 200, 'ready again');
  });
});
