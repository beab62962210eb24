/**
 * Generated bad input for every bridge call (issue 11): values built from each call's zod schema in
 * src-shared/bridge, then mutated (a field dropped, retyped, oversized, `__proto__` added, or anything
 * else). Both paths are covered: the router in-process, as Electron IPC hands it any structured-clone
 * value, and the browser host end to end, as JSON frames on its admitted WebSocket. Each case must get
 * a result (never a throw), every refusal must carry a contract code, a refused input must not reach
 * the core, and a well-formed call right after must still work. A sample runs in `npm test`;
 * `npm run test:fuzz` runs 10,000 per call.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BridgeErrorCode, callNames, calls, type Result } from '../../src-shared/bridge';
import { WS_PROTOCOL, WS_SECRET_PREFIX } from '../../src-shared/bridge/transport';
import { fuzzRuns } from '../../src-shared/testing/fuzz';
import { mutatedFrom } from '../../src-shared/testing/zod-arbitrary';
import { startWebHost, type WebHost } from '../web/host';
import { httpGet, openPage } from '../web/testing/open-page';
import { createRouter } from './router';
import { createFakeCore, type FakeCore } from './testing/fake-core';

const RUNS = fuzzRuns(50);
/** Codes that mean "this input was refused before the core saw it". */
const REFUSED_UNSEEN = new Set(['BAD_REQUEST', 'UNKNOWN_CALL']);

function expectResult(result: unknown): asserts result is Result<unknown> {
  expect(result).toBeTypeOf('object');
  const r = result as Result<unknown>;
  if (r.ok) return;
  expect(BridgeErrorCode.safeParse(r.error.code).success, JSON.stringify(r.error)).toBe(true);
  expect(r.error.message).toBeTypeOf('string');
}

describe('the router, in process (what Electron IPC delivers)', () => {
  const core = createFakeCore();
  const router = createRouter(core.handlers, () => {});

  it.each(callNames)(
    '%s: any input gets a coded result; a refused one never reaches the core',
    async (name) => {
      const input = fc.oneof(
        mutatedFrom(calls[name].input),
        fc.anything({
          withBigInt: true,
          withMap: true,
          withSet: true,
          withDate: true,
          withTypedArray: true,
          withNullPrototype: true,
        }),
      );
      await fc.assert(
        fc.asyncProperty(input, async (value) => {
          const before = core.received.length;
          const result = await router.dispatch(name, value);
          expectResult(result);
          if (!result.ok && REFUSED_UNSEEN.has(result.error.code)) expect(core.received.length).toBe(before);
          expect(await router.dispatch('getSettings', undefined)).toMatchObject({ ok: true });
        }),
        { numRuns: RUNS },
      );
    },
  );

  it('any call name that is not a call is refused with UNKNOWN_CALL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty'), fc.anything()),
        async (name) => {
          fc.pre(!callNames.includes(name as never));
          expect(await router.dispatch(name, undefined)).toMatchObject({
            ok: false,
            error: { code: 'UNKNOWN_CALL' },
          });
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('the browser host, over its WebSocket (JSON frames)', () => {
  let dir: string;
  let core: FakeCore;
  let host: WebHost;
  let ws: WebSocket;
  const waiting = new Map<number | null, (frame: { result: Result<unknown> }) => void>();
  let nextId = 1;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relay-bridge-fuzz-'));
    await mkdir(join(dir, 'renderer'));
    await writeFile(join(dir, 'renderer', 'index.html'), '<html><head></head><body></body></html>');
    core = createFakeCore();
    host = await startWebHost({ core, rendererDir: join(dir, 'renderer'), port: 0, log: () => {} });
    // Admitted as the page is (printed address → cookie), then a raw socket speaking frames directly.
    const { cookie, secret } = await openPage(host.url);
    const origin = `http://127.0.0.1:${host.port}`;
    ws = new WebSocket(`ws://127.0.0.1:${host.port}/bridge`, [WS_PROTOCOL, WS_SECRET_PREFIX + secret], {
      origin,
      headers: { cookie },
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.t !== 'result') return;
      const settle = waiting.get(frame.id);
      waiting.delete(frame.id);
      settle?.(frame);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
  });

  afterAll(async () => {
    ws?.close();
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Sends one raw frame and waits for the result with `id` (null: a frame the host could not read). */
  function send(frame: string, id: number | null): Promise<Result<unknown>> {
    return new Promise((resolve) => {
      waiting.set(id, (answer) => resolve(answer.result));
      ws.send(frame);
    });
  }

  const call = (name: unknown, input: unknown) => {
    const id = nextId++;
    return send(JSON.stringify({ t: 'call', id, name, input }), id);
  };

  it.each(callNames)('%s: any JSON input gets a coded result, and the host keeps serving', async (name) => {
    await fc.assert(
      fc.asyncProperty(mutatedFrom(calls[name].input), async (value) => {
        const before = core.received.length;
        // The well-formed call goes right behind the bad one on the same socket (one round trip).
        const [result, after] = await Promise.all([call(name, value), call('getSettings', undefined)]);
        expectResult(result);
        if (!result.ok && REFUSED_UNSEEN.has(result.error.code))
          expect(core.received.length).toBe(before + 1);
        expect(after).toMatchObject({ ok: true });
      }),
      { numRuns: RUNS },
    );
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect((await httpGet(`http://127.0.0.1:${host.port}/healthz`)).body).toBe('ok');
  });

  it('a frame that is not a call is answered BAD_REQUEST, and the socket stays open', async () => {
    const frame = fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.string(),
      fc
        .record({ t: fc.constantFrom('call', 'result', 'event'), id: fc.jsonValue(), name: fc.jsonValue() })
        .map((f) => JSON.stringify(f)),
    );
    await fc.assert(
      fc.asyncProperty(frame, async (text) => {
        let parsed: { t?: unknown; id?: unknown; name?: unknown } | null = null;
        try {
          parsed = JSON.parse(text);
        } catch {}
        const id =
          parsed && typeof parsed === 'object' && Number.isSafeInteger(parsed.id)
            ? (parsed.id as number)
            : null;
        fc.pre(!(parsed?.t === 'call' && id !== null && typeof parsed.name === 'string')); // a call: the test above
        fc.pre(!waiting.has(id));
        const result = await send(text, id);
        expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
        expect(await call('getSettings', undefined)).toMatchObject({ ok: true });
      }),
      { numRuns: RUNS },
    );
    expect(host.pageCount).toBe(2);
  });
});
