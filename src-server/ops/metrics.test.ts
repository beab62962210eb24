/**
 * GET /metrics after a scripted session: the counters show what happened (N messages accepted, M refused
 * as RATE_LIMITED, a failed login), the histograms counted every ack and commit, and no label carries a
 * user or channel id. Off by default; METRICS_TOKEN guards it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type AckError, MessageEvent, SendAck } from '../../src-shared/protocol';
import { demoServer, emitWithAck } from '../testing';

const demo = demoServer();
afterEach(() => demo.stop());

const TOKEN = 'metrics-token-for-the-test';

async function scrape(token = TOKEN): Promise<Response> {
  // '' sends no Authorization header.
  return fetch(`${demo.server.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

/** The value of one sample, e.g. `relay_messages_refused_total{code="RATE_LIMITED"}`; 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('GET /metrics', () => {
  it('is not there unless METRICS=1', async () => {
    await demo.start();
    expect((await scrape()).status).toBe(404);
  });

  it('asks for METRICS_TOKEN when one is set', async () => {
    await demo.start({ metrics: true, metricsToken: TOKEN });
    expect((await scrape('')).status).toBe(401);
    expect((await scrape('wrong')).status).toBe(401);
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts what a scripted session did: N accepted, M refused as RATE_LIMITED, a failed login', async () => {
    await demo.start({ metrics: true, metricsToken: TOKEN, messageRateLimit: 2 });
    const alice = await demo.as('alice');
    const bob = await demo.as('bob');
    const failed = await fetch(`${demo.server.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'wrong' }),
    });
    expect(failed.status).toBe(401);

    // Ten sends in one burst against 2 a second: the first two pass, the block refuses the rest.
    const acks = (
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          emitWithAck(alice.socket, MessageEvent.SEND, { channelId: demo.general.id, content: `m${i}` }),
        ),
      )
    ).map((a) => SendAck.parse(a));
    const accepted = acks.filter((a) => a.ok).length;
    const rateLimited = acks.filter((a) => !a.ok && (a as AckError).code === 'RATE_LIMITED').length;
    expect(accepted + rateLimited).toBe(10);
    expect(accepted).toBeGreaterThanOrEqual(2);
    expect(rateLimited).toBeGreaterThanOrEqual(1);
    // One more refused for another reason: a channel bob is not in is still alice's, so use a bad id.
    const notFound = SendAck.parse(
      await emitWithAck(bob.socket, MessageEvent.SEND, {
        channelId: '00000000-0000-4000-8000-000000000000',
        content: 'nowhere',
      }),
    );
    expect(notFound).toMatchObject({ ok: false, code: 'NOT_FOUND' });

    const text = await (await scrape()).text();
    expect(sample(text, 'relay_messages_accepted_total')).toBe(accepted);
    expect(sample(text, 'relay_messages_refused_total{code="RATE_LIMITED"}')).toBe(rateLimited);
    expect(sample(text, 'relay_messages_refused_total{code="NOT_FOUND"}')).toBe(1);
    expect(sample(text, 'relay_rate_limit_refusals_total{scope="message"}')).toBe(rateLimited);
    expect(sample(text, 'relay_login_failures_total')).toBe(1);
    expect(sample(text, 'relay_connected_sockets')).toBe(2);
    expect(sample(text, 'relay_connections_total')).toBe(2);
    // Every send's ack was timed, by outcome; every stored message's commit too.
    expect(sample(text, 'relay_ack_latency_seconds_count{event="message:send",outcome="ok"}')).toBe(accepted);
    expect(sample(text, 'relay_ack_latency_seconds_count{event="message:send",outcome="RATE_LIMITED"}')).toBe(
      rateLimited,
    );
    expect(sample(text, 'relay_store_commit_latency_seconds_count{op="insertMessage"}')).toBe(accepted);
    expect(sample(text, 'relay_writer_queue_depth')).toBe(0);
    // The default process metrics, event-loop delay among them.
    for (const name of [
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(`\n${name} `);
    }
    // Bounded labels: no user, channel or socket id anywhere.
    for (const id of [alice.user.id, bob.user.id, demo.general.id, alice.socket.id!]) {
      expect(text).not.toContain(id);
    }
  });

  it('counts logins refused by the failed-login throttle as rate-limit refusals', async () => {
    await demo.start({ metrics: true });
    const attempt = () =>
      fetch(`${demo.server.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'carol', password: 'nope' }),
      });
    for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(401);
    expect((await attempt()).status).toBe(429);
    const text = await (await scrape('')).text();
    expect(sample(text, 'relay_login_failures_total')).toBe(10);
    expect(sample(text, 'relay_rate_limit_refusals_total{scope="login"}')).toBe(1);
  });
});
