/**
 * `tsx bench/batch-path.ts [--messages N] [--items K] [--window W] [--rounds R] [--profile FILE]`: the
 * server's CPU a replayed message in figure 6's shape, in process (BENCHMARKS.md, srv27). Not a figure of
 * `npm run bench`: a measuring tool, run by hand, A/B against another tree in the same minute.
 *
 * The real server (startTestServer: real SQLite with synchronous=FULL, the writer thread, Socket.IO; logs
 * at `info` to /dev/null). A client process sends N numbered sends (deviceId + deviceSeq, as the core's
 * outbox does) as `message:send:batch` of K items, W batches in flight, and nobody else is in the channel:
 * the replay's shape. Per message: the server process's CPU (process.cpuUsage: main thread + writer
 * thread) and its event loop's busy time (eventLoopUtilization: the main thread's share, in wall time).
 * R rounds of N, each on a fresh device; every answer must be a SENT ack, or the run fails.
 * `--heap FILE`: a sampling heap profile of rounds 1+ instead (what the main thread allocates, garbage
 * included: the young generation's collections are GC's share of the replay), summed by function.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { io as connect } from 'socket.io-client';
import { createLogger } from '../src-server/logger';
import { login, startTestServer } from '../src-server/testing';
import { MessageDeliveryStatus, RelayEvent } from '../src-shared/protocol';
import { commandLine } from './lib/args';

const FILLER = ' the quick brown fox jumps over the lazy dog, then reviews the pull request before lunch';

const args = commandLine();

interface Job {
  url: string;
  token: string;
  channelId: string;
  n: number;
  items: number;
  window: number;
}

/** The client process: N numbered sends in batches of `items`, `window` batches in flight. */
async function client(): Promise<void> {
  // Every message from the parent, kept until read: one may come while the socket connects.
  const inbox: unknown[] = [];
  let wake: (() => void) | undefined;
  process.on('message', (m) => {
    inbox.push(m);
    wake?.();
  });
  const next = async <T>(): Promise<T> => {
    while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return inbox.shift() as T;
  };
  const job = await next<Job>();
  const socket = connect(job.url, { auth: { token: job.token }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  for (;;) {
    if ((await next<{ type: string }>()).type !== 'round') break;
    const deviceId = randomUUID();
    let seq = 0;
    let refused = 0;
    const batch = () => {
      const items = [];
      for (let i = 0; i < job.items && seq < job.n; i++) {
        seq++;
        items.push({
          channelId: job.channelId,
          content: `r${seq}${FILLER}`,
          deliveryStatus: MessageDeliveryStatus.SENT,
          clientMessageId: randomUUID(),
          deviceId,
          deviceSeq: seq,
        });
      }
      return items;
    };
    const lane = async () => {
      for (let items = batch(); items.length > 0; items = batch()) {
        const answers = (await socket.emitWithAck(RelayEvent.SEND_BATCH, { items })) as { ok: boolean }[];
        refused += Array.isArray(answers) ? answers.filter((a) => !a.ok).length : items.length;
      }
    };
    // Lanes take their items in order, synchronously, so deviceSeqs leave in order on the one socket.
    await Promise.all(Array.from({ length: job.window }, lane));
    process.send!({ type: 'done', refused });
  }
  socket.close();
  process.disconnect();
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** Bytes allocated a message by each function (self), the top 30, from a sampling heap profile. */
function printHeap(profile: { head: HeapNode }, messages: number): void {
  const bytes = new Map<string, number>();
  const walk = (node: HeapNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    bytes.set(name, (bytes.get(name) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  console.log(`allocated ${(total / messages).toFixed(0)} bytes a message (sampled), by function:`);
  for (const [name, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`${(size / messages).toFixed(0).padStart(7)} B  ${name}`);
}

async function main(): Promise<void> {
  if (args.flag('--client')) return client();
  const n = args.number('--messages', 10_000);
  const items = args.number('--items', 14);
  const window = args.number('--window', 18);
  const rounds = args.number('--rounds', 5);
  const profileFile = args.value('--profile');
  const heapFile = args.value('--heap');
  const server = await startTestServer({
    logger: createLogger('info', pino.destination('/dev/null')),
    messageRateLimit: 0,
  });
  const child = fork(new URL(import.meta.url).pathname, ['--client'], { execArgv: process.execArgv });
  try {
    const alice = await login(server.url, 'alice');
    const general = (await server.store.listChannels(alice.user.id)).find((c) => c.name === 'general')!;
    child.send({
      url: server.url,
      token: alice.token,
      channelId: general.id,
      n,
      items,
      window,
    } satisfies Job);
    const profiler = profileFile || heapFile ? new Session() : undefined;
    profiler?.connect();
    await profiler?.post('Profiler.enable');
    // Round 0 warms up (JIT, the first pages) and is not reported.
    for (let round = 0; round <= rounds; round++) {
      if (round === 1 && profileFile) await profiler?.post('Profiler.start');
      if (round === 1 && heapFile)
        await profiler?.post('HeapProfiler.startSampling', {
          samplingInterval: 1024,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
      const cpu0 = process.cpuUsage();
      const loop0 = performance.eventLoopUtilization();
      const t0 = performance.now();
      child.send({ type: 'round' });
      const done = await new Promise<{ refused: number }>((resolve) =>
        child.once('message', resolve as never),
      );
      const wall = performance.now() - t0;
      const loop = performance.eventLoopUtilization(loop0);
      const cpu = process.cpuUsage(cpu0);
      if (done.refused > 0) throw new Error(`${done.refused} sends refused in round ${round}`);
      if (round === 0) continue;
      const us = (x: number) => (x / n).toFixed(1).padStart(6);
      console.log(
        `round ${round}: ${n} messages in ${(wall / 1000).toFixed(2)} s; server CPU ${us(cpu.user + cpu.system)} µs` +
          ` a message (user ${us(cpu.user)}, system ${us(cpu.system)}); event loop busy ${us(loop.active * 1000)} µs`,
      );
    }
    if (profiler && profileFile) {
      const { profile } = await profiler.post('Profiler.stop');
      await writeFile(profileFile, JSON.stringify(profile));
      console.log(`profile of rounds 1+ (main thread): ${profileFile}`);
    }
    if (profiler && heapFile) {
      const { profile } = await profiler.post('HeapProfiler.stopSampling');
      await writeFile(heapFile, JSON.stringify(profile));
      printHeap(profile, n * rounds);
    }
    child.send({ type: 'end' });
  } finally {
    child.kill();
    await server.close();
  }
}

await main();
