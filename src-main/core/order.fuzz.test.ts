/**
 * Order by construction, as a property (issue 11): whatever the rate limit refuses, and wherever the
 * connection is cut or the app is restarted during the flush, every queued message reaches the server
 * exactly once and in send order per channel, and nothing is left Sending. A message the server refuses
 * for good (VALIDATION, FORBIDDEN) is left Failed, never stored, and never holds up the ones behind it.
 *
 * Each case runs a real server (its own limit), the TCP proxy and a real core for a few seconds, so
 * `npm test` samples 2 cases and the long mode (`npm run test:fuzz`) at most 50.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { login, startTestServer, type TestServer } from '../../src-server/testing';
import { ErrorCode, MessageEvent, RelayEvent } from '../../src-shared/protocol';
import { fuzzReplay, fuzzRuns } from '../../src-shared/testing/fuzz';
import { assertExactlyOnceInOrder, createTestCore, signIn, type TestCore, waitFor } from './testing/harness';
import { acceptedSoFar, assertAllSentLocally, onServer, queueOffline } from './testing/invariants';
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

/** The server refuses message `at` for good, every time it arrives. */
const Refusal = fc.record({
  at: fc.nat({ max: 15 }),
  code: fc.constantFrom(ErrorCode.VALIDATION, ErrorCode.FORBIDDEN),
});

const Case = fc.record({
  count: fc.integer({ min: 4, max: 16 }),
  limit: fc.integer({ min: 2, max: 6 }),
  faults: fc.array(Fault, { maxLength: 3 }),
  refusals: fc.array(Refusal, { maxLength: 3 }),
});

type CaseValue = typeof Case extends fc.Arbitrary<infer T> ? T : never;

/**
 * The sends the server's membership check should refuse: their clientMessageIds, and the async context a
 * refused send's handling runs in (entered by the replay mutex, mocked below).
 */
const { forbidding, forbiddenIds } = await vi.hoisted(async () => {
  const { AsyncLocalStorage } = await import('node:async_hooks');
  return { forbidding: new AsyncLocalStorage<boolean>(), forbiddenIds: new Set<string>() };
});
// A send is handled inside the replay mutex, keyed by (user, clientMessageId), whether it came alone or
// as an item of `message:send:batch` (whose items share one event, so a context entered per packet would
// refuse all of them or none). The key names the send, so its context is entered here, and a copy that
// waits for an earlier one still runs in its own.
vi.mock('../../src-server/socket/keyed-mutex', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-server/socket/keyed-mutex')>();
  class ForbiddingMutex extends real.KeyedMutex {
    override run<T>(key: string, work: () => Promise<T>): Promise<T> {
      const forbid = forbiddenIds.has(key.slice(key.lastIndexOf(':') + 1));
      return super.run(key, forbid ? () => forbidding.run(true, work) : work);
    }
  }
  return { ...real, KeyedMutex: ForbiddingMutex };
});
// The send path asks the membership cache (membership-cache.ts), which answers a known member from
// memory without calling membership.ts again: the refusal goes in front of the cache, or only a
// channel's first send could ever be refused.
vi.mock('../../src-server/membership-cache', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-server/membership-cache')>();
  const { forbidden } = await import('../../src-server/errors');
  class ForbiddingCache extends real.MembershipCache {
    // The send path answers a member it knows without a promise (knownWritable): refused here too.
    override knownWritable(...args: Parameters<InstanceType<typeof real.MembershipCache>['knownWritable']>) {
      return !forbidding.getStore() && super.knownWritable(...args);
    }
    override requireWritable(
      ...args: Parameters<InstanceType<typeof real.MembershipCache>['requireWritable']>
    ) {
      return forbidding.getStore()
        ? Promise.reject(forbidden('Not a member of this channel'))
        : super.requireWritable(...args);
    }
  }
  return { ...real, MembershipCache: ForbiddingCache };
});

/**
 * Makes the real server refuse the sends whose content is in `refused`, through its own paths (so a
 * numbered send's number is used up as for any refusal), alone or in a batch: VALIDATION by blanking the
 * content on arrival (a zero-width space, which the server's content rule refuses), FORBIDDEN by the
 * membership check (the cache's requireWritable, mocked above) refusing that send alone.
 */
function refuseFor(server: TestServer, refused: Map<string, string>): void {
  server.io.on('connection', (socket) => {
    // The server handles every event in one `onAny` listener: this one goes in front of it.
    socket.prependAny((event: string, payload?: { content?: unknown; items?: unknown }) => {
      const sends =
        event === MessageEvent.SEND ? [payload] : event === RelayEvent.SEND_BATCH ? payload?.items : [];
      if (!Array.isArray(sends)) return;
      for (const send of sends as ({ content?: unknown; clientMessageId?: unknown } | undefined)[]) {
        const code = send && refused.get(String(send.content));
        if (code === ErrorCode.VALIDATION && send) send.content = '\u200b';
        if (code === ErrorCode.FORBIDDEN && send) forbiddenIds.add(String(send.clientMessageId));
      }
    });
  });
}

let run = 0;

/** The flush is over: nothing left to send (what is left was refused for good). */
async function settled(t: TestCore): Promise<boolean> {
  return (await t.core.handlers.listOutbox(undefined)).every((item) => item.status === 'Failed');
}

async function flushUnderFaults({ count, limit, faults, refusals }: CaseValue): Promise<void> {
  const server = await startTestServer({ messageRateLimit: limit });
  cleanups.push(() => server.close());
  const prefix = `p${run++}-`;
  const refused = new Map(refusals.filter((r) => r.at < count).map((r) => [`${prefix}${r.at}`, r.code]));
  refuseFor(server, refused);
  const proxy = await startProxy(server.port);
  cleanups.push(() => proxy.close());
  let t: TestCore = await createTestCore();
  const userData = t.userData;
  cleanups.push(() => t.close());
  await signIn(t, proxy.url, 'alice');
  const { token } = await login(server.url, 'alice');
  const base = await acceptedSoFar(server.url, token);
  const queued = await queueOffline(t, prefix, count);
  t.core.networkChanged(true);

  for (const fault of [...faults].sort((a, b) => a.after - b.after)) {
    // Wait until the server has this many (or the flush is over), then strike.
    for (;;) {
      if ((await acceptedSoFar(server.url, token)) - base >= fault.after || (await settled(t))) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (fault.kind === 'cut') proxy.cut();
    else {
      await t.close({ keep: true });
      t = await createTestCore({ userData });
    }
  }
  // Settled: the outbox holds exactly the refused messages, each Failed; the rest reached the server.
  await waitFor(() => settled(t), 'only the refused left, Failed').catch(async (err: Error) => {
    const items = await t.core.handlers.listOutbox(undefined);
    const state = items.map((item) => `${item.content} ${item.status} ${item.failure?.code ?? ''}`);
    throw new Error(`${err.message}; refused ${[...refused.keys()].join(',')}; outbox: ${state.join('; ')}`);
  });
  const left = await t.core.handlers.listOutbox(undefined);
  expect(new Set(left.map((item) => item.content))).toEqual(new Set(refused.keys()));
  const expected = new Map(
    [...queued].map(([id, numbers]) => [id, numbers.filter((n) => !refused.has(`${prefix}${n}`))]),
  );
  assertExactlyOnceInOrder(await onServer(server.url, token, expected.keys()), prefix, expected);
  await assertAllSentLocally(t, prefix, expected, refused.size);
  await t.close();
  cleanups.length = 0;
  await proxy.close();
  await server.close();
}

describe('order under random refusals, cuts and restarts', () => {
  it('stores every message once, in send order, whatever is refused, cut or restarted; refused for good only Failed', async () => {
    await fc.assert(fc.asyncProperty(Case, flushUnderFaults), {
      numRuns: Math.min(fuzzRuns(2), 50),
      endOnFailure: true,
      ...fuzzReplay(),
    });
  }, 600_000);
});
