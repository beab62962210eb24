/**
 * QuickHistogram.observeFor against prom-client's own Histogram.observe: the same observations give the
 * same /metrics text and JSON, through reset, zero, remove and plain observe calls mixed in. It also pins
 * the prom-client internals QuickHistogram writes to: an upgrade that moves them fails here.
 */
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { QuickHistogram } from './quick-histogram';

const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

function pair() {
  const plainRegistry = new Registry();
  const quickRegistry = new Registry();
  const config = {
    name: 'relay_ack_latency_seconds',
    help: 'From a client event arriving to its acknowledgement leaving',
    labelNames: ['event', 'outcome'] as const,
    buckets: BUCKETS,
  };
  const plain = new Histogram({ ...config, labelNames: [...config.labelNames], registers: [plainRegistry] });
  const quick = new QuickHistogram({
    ...config,
    labelNames: [...config.labelNames],
    registers: [quickRegistry],
  });
  const observe = (value: number, event: string, outcome: string) => {
    plain.observe({ event, outcome }, value);
    quick.observeFor(value, event, outcome);
  };
  const same = async () => {
    expect(await quickRegistry.metrics()).toBe(await plainRegistry.metrics());
    expect(await quickRegistry.getMetricsAsJSON()).toStrictEqual(await plainRegistry.getMetricsAsJSON());
  };
  return { plain, quick, observe, same, quickRegistry };
}

/** Values on, between and past the bounds, in a fixed pseudo-random order. */
function values(n: number): number[] {
  const out = [0, 0.0001, 0.00010000001, 5, 5.0000001, 1e9, ...BUCKETS];
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push((x / 2 ** 31) ** 4 * 7);
  }
  return out;
}

describe('QuickHistogram', () => {
  it('gives the /metrics text and JSON of prom-client Histogram.observe for the same observations', async () => {
    const { observe, same } = pair();
    await same();
    const outcomes = ['ok', 'RATE_LIMITED', 'ok', 'VALIDATION', 'ok'];
    const events = ['message:send', 'message:read', 'room:join'];
    values(500).forEach((v, i) => {
      observe(v, events[i % events.length] as string, outcomes[i % outcomes.length] as string);
    });
    await same();
  });

  it('stays the same through reset, zero, remove and plain observe calls mixed in', async () => {
    const { plain, quick, observe, same } = pair();
    observe(0.002, 'message:send', 'ok');
    for (const h of [plain, quick]) h.observe({ event: 'message:send', outcome: 'ok' }, 0.3);
    observe(0.004, 'message:send', 'ok');
    await same();
    for (const h of [plain, quick]) h.reset();
    await same();
    observe(0.01, 'message:send', 'ok');
    for (const h of [plain, quick]) h.zero({ event: 'room:join', outcome: 'ok' });
    observe(0.02, 'room:join', 'ok');
    await same();
    for (const h of [plain, quick]) h.zero({ event: 'message:send', outcome: 'ok' });
    observe(0.03, 'message:send', 'ok');
    await same();
    for (const h of [plain, quick]) h.remove({ event: 'message:send', outcome: 'ok' });
    observe(0.04, 'message:send', 'ok');
    observe(0.05, 'room:join', 'ok');
    await same();
  });

  it('adds to the series a plain observe made with a numeric label value, as prom-client does', async () => {
    const a = new Registry();
    const b = new Registry();
    const config = { name: 'http_seconds', help: 'x', labelNames: ['status'], buckets: [0.1, 1] };
    const plain = new Histogram({ ...config, registers: [a] });
    const quick = new QuickHistogram({ ...config, registers: [b] });
    for (const h of [plain, quick]) h.observe({ status: 500 }, 0.05);
    plain.observe({ status: '500' }, 0.5);
    quick.observeFor(0.5, '500');
    expect(await b.metrics()).toBe(await a.metrics());
    expect(await b.metrics()).toContain('http_seconds_count{status="500"} 2');
  });

  it('refuses what observe refuses: a value that is not a finite number, a wrong number of labels', () => {
    const { quick } = pair();
    expect(() => quick.observeFor(Number.NaN, 'message:send', 'ok')).toThrow(TypeError);
    expect(() => quick.observeFor(Number.POSITIVE_INFINITY, 'message:send', 'ok')).toThrow(TypeError);
    expect(() => quick.observeFor(0.1, 'message:send')).toThrow(/label values/);
  });

  it('serves a label-less histogram too', async () => {
    const a = new Registry();
    const b = new Registry();
    const plain = new Histogram({ name: 'x_seconds', help: 'x', buckets: [0.1, 1], registers: [a] });
    const quick = new QuickHistogram({ name: 'x_seconds', help: 'x', buckets: [0.1, 1], registers: [b] });
    for (const v of [0.05, 0.5, 5]) {
      plain.observe(v);
      quick.observeFor(v);
    }
    expect(await b.metrics()).toBe(await a.metrics());
  });
});
