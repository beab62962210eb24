/**
 * Figure 11: what a flood costs everyone else (issue 11), each beside the same measurement without the
 * flood, in the same run, on the same server process:
 * - the other users' send-ack p99 while one user floods duplicate receipts (target: within 2×);
 * - a real login while one address floods 240 random usernames (target: ≤ 500 ms and within 3× of a
 *   login alone).
 * The tests (receipt-flood.test.ts, login-limits.test.ts) assert what makes these hold; the timings
 * are here, where a busy machine shows as load in the run's footer instead of a red test.
 */
import { rm } from 'node:fs/promises';
import { loginDuringFlood, postLogin } from '../../src-server/http/testing/post-login';
import { ackTimes, floodReceipts, floodTarget } from '../../src-server/socket/testing/receipt-flood';
import { connectAs, spawnServer } from '../../src-server/testing';
import { makeRow, type Row } from '../lib/result';
import { median, percentile } from '../lib/stats';
import type { Bench } from './context';

async function receiptFlood(bench: Bench): Promise<Row> {
  const { acks, floodMs } = bench.options.scale.floods;
  const dataDir = bench.dataDir('floods');
  const server = await spawnServer({
    dataDir,
    env: { MESSAGE_RATE_LIMIT: '0' },
    // With --cpu-prof: the server's profile, where the flood's cost shows.
    nodeArgs: bench.profileArgs('receipt-flood-server'),
    timeoutMs: 60_000,
  });
  const alice = await connectAs(server.url, 'alice');
  const carol = await connectAs(server.url, 'carol');
  try {
    const channels = (await (
      await fetch(`${server.url}/api/channels`, { headers: { authorization: `Bearer ${alice.token}` } })
    ).json()) as { id: string; name: string }[];
    const generalId = channels.find((c) => c.name === 'general')!.id;
    const target = await floodTarget(alice, generalId);
    await ackTimes(alice, generalId, 20); // warm-up
    const quiet = percentile(await ackTimes(alice, generalId, acks), 99);
    const flooded = floodReceipts(server.url, carol, target, floodMs);
    // Let the flood build up, then measure while it runs.
    await new Promise((r) => setTimeout(r, 500));
    const during = percentile(await ackTimes(alice, generalId, acks), 99);
    const { emitted, ended } = await flooded;
    return makeRow({
      name: `11. send-ack p99 during a receipt flood (${acks} acks)`,
      value: during,
      unit: 'ms',
      baseline: quiet,
      baselineName: 'the same acks, no flood',
      checks: [{ op: '<=', limit: 2, of: 'ratio' }],
      note: `${emitted} receipts in ${floodMs} ms from one socket; its connection ${ended === 'io_server_disconnect' ? 'cut by the server' : `ended: ${ended}`}`,
    });
  } finally {
    alice.socket.close();
    carol.socket.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function loginFlood(bench: Bench): Promise<Row> {
  const dataDir = bench.dataDir('floods');
  const server = await spawnServer({ dataDir, timeoutMs: 60_000 });
  const real = { username: 'alice', password: 'password' };
  try {
    // Warm the decoy hash and the connection path.
    await postLogin(server.url, { username: 'carol', password: 'password' }, { from: '127.0.0.3' });
    const alone: number[] = [];
    for (let i = 0; i < 5; i++) alone.push((await postLogin(server.url, real, { from: '127.0.0.3' })).ms);
    const during = await loginDuringFlood(server.url, real);
    if (during.real.status !== 200) throw new Error(`the real login got ${during.real.status}`);
    return makeRow({
      name: '11. login beside a 240-username flood from one address',
      value: during.real.ms,
      unit: 'ms',
      baseline: median(alone),
      baselineName: 'the same login alone (median of 5)',
      checks: [
        { op: '<=', limit: 500, of: 'value' },
        { op: '<=', limit: 3, of: 'ratio' },
      ],
      note: `${during.stillChecking} of the flood's logins still being checked at the time; ${during.flood.filter((a) => a.status === 429).length} refused with 429`,
    });
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function figure11(bench: Bench): Promise<Row[]> {
  bench.log('figure 11: what a receipt flood and a login flood cost everyone else');
  return [await receiptFlood(bench), await loginFlood(bench)];
}
