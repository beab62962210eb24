/**
 * Order by construction, as a property (issue 11): whatever the rate limit refuses, and wherever the
 * connection is cut or the app is restarted during the flush, every queued message reaches the server
 * exactly once and in send order per channel, and nothing is left Sending or Failed.
 *
 * Each case runs a real server (its own limit), the TCP proxy and a real core for a few seconds, so
 * `npm test` samples 2 cases and the long mode (`npm run test:fuzz`) at most 50.
 */
import fc from 'fast-check';
import { afterEach, describe, it } from 'vitest';
import { login, startTestServer } from '../../src-server/testing';
import { fuzzRuns } from '../../src-shared/testing/fuzz';
import { createTestCore, outboxEmpty, signIn, type TestCore } from './testing/harness';
import { acceptedSoFar, queueOffline, verify } from './testing/invariants';
import { startProxy } from './testing/proxy';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** Something done to the flush once the server has accepted `after` of the messages. */
const Fault = fc.record({
  after: fc.nat({ max: 20 }),
  kind: fc.constantFrom('restart' as const, 'cut' as const),
});

const Case = fc.record({
  count: fc.integer({ min: 4, max: 16 }),
  limit: fc.integer({ min: 2, max: 6 }),
  faults: fc.array(Fault, { maxLength: 3 }),
});

type CaseValue = typeof Case extends fc.Arbitrary<infer T> ? T : never;

let run = 0;

async function flushUnderFaults({ count, limit, faults }: CaseValue): Promise<void> {
  const server = await startTestServer({ messageRateLimit: limit });
  cleanups.push(() => server.close());
  const proxy = await startProxy(server.port);
  cleanups.push(() => proxy.close());
  let t: TestCore = await createTestCore();
  const userData = t.userData;
  cleanups.push(() => t.close());
  await signIn(t, proxy.url, 'alice');
  const { token } = await login(server.url, 'alice');
  const base = await acceptedSoFar(server.url, token);
  const prefix = `p${run++}-`;
  const expected = await queueOffline(t, prefix, count);
  t.core.networkChanged(true);

  for (const fault of [...faults].sort((a, b) => a.after - b.after)) {
    // Wait until the server has this many (or the flush is over), then strike.
    for (;;) {
      if ((await acceptedSoFar(server.url, token)) - base >= fault.after || (await outboxEmpty(t))) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (fault.kind === 'cut') proxy.cut();
    else {
      await t.close({ keep: true });
      t = await createTestCore({ userData });
    }
  }
  await verify(t, server.url, prefix, expected);
  await t.close();
  cleanups.length = 0;
  await proxy.close();
  await server.close();
}

describe('order under random refusals, cuts and restarts', () => {
  it('stores every message once, in send order, whatever is refused, cut or restarted', async () => {
    await fc.assert(fc.asyncProperty(Case, flushUnderFaults), {
      numRuns: Math.min(fuzzRuns(2), 50),
      endOnFailure: true,
    });
  }, 600_000);
});
