/**
 * Issue 11, logins under parallel load: attempts are counted before the password is checked, and a
 * flood of password checks from one address queues behind its own share of a bounded pool.
 */

import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { BUSY_RETRY_AFTER_MS } from '../auth/hash-pool';
import { makeTempDir, spawnServer, startTestServer, type TestServer } from '../testing';
import { loginDuringFlood, postLogin } from './testing/post-login';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Every 429 says when to come back: `retryAfterMs` in its body (at most the 5-minute login window)
 * and the same wait in whole seconds in `Retry-After`.
 */
function expectRetryHints(answers: { status: number; retryAfter?: string; body: string }[]): void {
  for (const answer of answers.filter((a) => a.status === 429)) {
    const body = JSON.parse(answer.body) as { code: string; retryAfterMs: number };
    expect(body.code).toBe('RATE_LIMITED');
    expect(body.retryAfterMs).toBeGreaterThan(0);
    expect(body.retryAfterMs).toBeLessThanOrEqual(5 * 60_000);
    expect(answer.retryAfter).toBe(String(Math.ceil(body.retryAfterMs / 1_000)));
  }
}

describe('login limits in parallel', () => {
  it('refuses most of 60 parallel wrong passwords with 429: each is counted before scrypt runs', async () => {
    server = await startTestServer();
    const url = server.url;
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => postLogin(url, { username: 'bob', password: `guess${i}` })),
    );
    const statuses = answers.map((a) => a.status);
    // 10 guesses a username may have from one address (MAX_LOGIN_FAILURES); everything else is refused.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(50);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expectRetryHints(answers);
    // Guesses refused as busy were never checked and do not count: the rest of the 10 can still be
    // used, one at a time, and then not one more, not even the right password.
    let checked = statuses.filter((s) => s === 401).length;
    while ((await postLogin(url, { username: 'bob', password: 'again' })).status === 401) checked++;
    expect(checked).toBe(10);
    expect((await postLogin(url, { username: 'bob', password: 'password' })).status).toBe(429);
    // Another user from the same address is not.
    expect((await postLogin(url, { username: 'alice', password: 'password' })).status).toBe(200);
  });

  it('keeps a real login under 500 ms (or 5× one alone) while one address floods 240 random usernames', async () => {
    // In its own process, as the review measured it: the test's 240 clients do not share its event loop.
    const dataDir = await makeTempDir();
    const spawned = await spawnServer({ dataDir });
    onTestFinished(async () => {
      await spawned.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
    const url = spawned.url;
    // Warm the decoy hash and the connection path, so the timed login measures only the queue.
    expect(
      (await postLogin(url, { username: 'carol', password: 'password' }, { from: '127.0.0.3' })).status,
    ).toBe(200);
    // The same login with nothing else running, now, on this machine (the median of three).
    const unloaded: number[] = [];
    for (let i = 0; i < 3; i++) {
      const alone = await postLogin(url, { username: 'alice', password: 'password' }, { from: '127.0.0.3' });
      expect(alone.status).toBe(200);
      unloaded.push(alone.ms);
    }
    const alone = unloaded.sort((x, y) => x - y)[1]!;
    // Once the server has taken in the flood (answered what it refuses at once), while the password
    // checks it queued are still running: the review's case, where unbounded scrypt work slowed a real
    // login from ~90 ms to 3.7 s.
    const {
      real,
      stillChecking,
      flood: answers,
    } = await loginDuringFlood(url, {
      username: 'alice',
      password: 'password',
    });
    expect(real.status).toBe(200);
    expect(stillChecking, 'the flood was still being checked during the real login').toBeGreaterThan(0);
    // The flood queued its share and was refused the rest.
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThan(200);
    expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
    expectRetryHints(answers);
    // The busy pool (1 s) refused some, and any other refusal was the address allowance's window
    // (whether the flood fills that allowance depends on how its arrivals interleave with the points
    // busy refusals give back; login-throttle.test.ts fills it on purpose).
    const waits = answers.filter((a) => a.status === 429).map((a) => JSON.parse(a.body).retryAfterMs);
    expect(waits).toContain(BUSY_RETRY_AFTER_MS);
    for (const ms of waits) if (ms !== BUSY_RETRY_AFTER_MS) expect(ms).toBeGreaterThan(60_000);
    // The bound the issue asks for: under 500 ms (a quiet machine: ~90 ms alone, ~150 ms beside the
    // flood's one check). A machine busy with other work makes even the login alone slow, so the bound
    // is 500 ms or five logins alone, whichever is more: the review's 40× (3.7 s against 90 ms) still
    // fails it, a shared 2-core box does not. `npm run bench` figure 11 holds the tight ratio target.
    console.log(`login alone ${alone.toFixed(0)} ms, beside the flood ${real.ms.toFixed(0)} ms`);
    expect(real.ms).toBeLessThan(Math.max(500, 5 * alone));
  });

  it('takes the client address from X-Forwarded-For only when TRUSTED_PROXIES names the proxy', async () => {
    server = await startTestServer({ trustedProxies: ['127.0.0.5'] });
    const url = server.url;
    const guess = (from: string, forwarded: string) =>
      postLogin(
        url,
        { username: 'bob', password: 'wrong' },
        { from, headers: { 'x-forwarded-for': forwarded } },
      );
    // Through the trusted proxy, 10 guesses from 203.0.113.9 use up that address's allowance for bob…
    for (let i = 0; i < 10; i++) expect((await guess('127.0.0.5', '203.0.113.9')).status).toBe(401);
    expect((await guess('127.0.0.5', '203.0.113.9')).status).toBe(429);
    // …but not 198.51.100.4's, behind the same proxy.
    expect((await guess('127.0.0.5', '198.51.100.4')).status).toBe(401);
    // A client that is not the proxy cannot pick its address by sending the header: it counts as itself.
    for (let i = 0; i < 10; i++) expect((await guess('127.0.0.6', `192.0.2.${i}`)).status).toBe(401);
    expect((await guess('127.0.0.6', '192.0.2.200')).status).toBe(429);
  });
});
