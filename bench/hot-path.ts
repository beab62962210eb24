/**
 * `tsx bench/hot-path.ts [--messages N] [--steps-only] [--e2e-only] [--profile FILE.cpuprofile]`: where one `message:send` spends the
 * server's CPU (BENCHMARKS.md, "Where a message's time goes"). Not a figure of `npm run bench`: a
 * measuring tool for the server's hot path, run by hand, A/B against another branch in the same minute.
 *
 * Two parts, both against the real server (startTestServer: real SQLite with synchronous=FULL, the
 * writer thread, Socket.IO; logs at the default level `info`, written to /dev/null):
 * - steps: each step of the send path run on its own in a tight loop, N times, best of 5 rounds
 *   (the machine is shared: the best round is the one least disturbed), in µs per message;
 * - e2e: a client process sends N messages one at a time (1 ms gap, as figure 1) from alice to bob;
 *   the server process's CPU time (process.cpuUsage: main thread + writer thread) per message, and
 *   send → receive p50/p99.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { Encoder } from 'socket.io-parser';
import { z } from 'zod';
import { createLogger } from '../src-server/logger';
import { requireWritable } from '../src-server/membership';
import { createMetrics } from '../src-server/ops/metrics';
import { KeyedMutex } from '../src-server/socket/keyed-mutex';
import { resolveMentions } from '../src-server/socket/mentions';
import { login, startTestServer, type TestServer } from '../src-server/testing';
import { channelRoom, MessageEvent, SendMessagePayload } from '../src-shared/protocol';
import { commandLine } from './lib/args';

const FILLER = ' the quick brown fox jumps over the lazy dog, then reviews the pull request before lunch';
const ROUNDS = 5;

const args = commandLine();

/** µs per call of `fn` (awaited when it returns a promise): best of ROUNDS rounds of `n` calls. */
async function perCall(n: number, fn: () => unknown): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const result = fn();
      if (result instanceof Promise) await result;
    }
    best = Math.min(best, ((performance.now() - start) * 1000) / n);
  }
  return best;
}

async function steps(server: TestServer, userId: string, channelId: string, n: number): Promise<void> {
  const { store } = server;
  const payload = { channelId, content: `b1${FILLER}`, clientMessageId: randomUUID() };
  const rows: [string, number][] = [];
  const row = async (name: string, fn: () => unknown, count = n) => {
    rows.push([name, await perCall(count, fn)]);
  };
  const unknown = z.unknown();
  await row('zod: z.unknown() (handle) + SendMessagePayload.safeParse', () => {
    unknown.safeParse(payload);
    SendMessagePayload.safeParse(payload);
  });
  await row('zod: SendMessagePayload.safeParse alone', () => SendMessagePayload.safeParse(payload));
  await row('membership: requireWritable (membership + getChannel reads)', () =>
    requireWritable(store, channelId, userId),
  );
  const cache = await import('../src-server/membership-cache').catch(() => undefined);
  if (cache) {
    const memberships = new cache.MembershipCache();
    await row('membership: MembershipCache.requireWritable, remembered', () =>
      memberships.requireWritable(store, channelId, userId),
    );
  }
  await row('replay lookup: findByClientMessageId (a miss)', () =>
    store.findByClientMessageId(userId, randomUUID()),
  );
  await row('mentions: resolveMentions (no @)', () => resolveMentions(store, channelId, payload.content));
  const mutex = new KeyedMutex();
  await row('keyed mutex: two run() (replay key, channel key), free', () =>
    mutex.run(`${userId}:${randomUUID()}`, () => mutex.run(`${userId}:${channelId}`, async () => 1)),
  );
  await row('randomUUID + new Date().toISOString() (the new message)', () => {
    randomUUID();
    new Date().toISOString();
  });
  const metrics = createMetrics({ defaults: false, connectedSockets: () => 0 });
  await row('metrics: ack + commit histograms, queue gauge, accepted counter', () => {
    const ack = performance.now();
    const commit = performance.now();
    metrics.writerQueueDepth.inc();
    metrics.writerQueueDepth.dec();
    metrics.storeCommitLatency.observeFor((performance.now() - commit) / 1000, 'insertMessage');
    metrics.messagesAccepted.inc();
    metrics.ackLatency.observeFor((performance.now() - ack) / 1000, MessageEvent.SEND, 'ok');
  });
  const quiet = createLogger('info', pino.destination('/dev/null'));
  const child = quiet.child({ userId, socketId: 'abc' });
  await row('pino: logger.debug({...}) below the level', () =>
    child.debug({ event: 'message', userId, channelId, messageId: 'm', seq: 1 }, 'stored'),
  );
  await row('pino: logger.info({...}) written (for scale)', () =>
    child.info({ event: 'message', userId, channelId, messageId: 'm', seq: 1 }, 'stored'),
  );
  const message = await store.getMessage(
    (await store.insertMessage({
      id: randomUUID(),
      channelId,
      userId,
      content: payload.content,
      createdAt: new Date().toISOString(),
      mentions: [],
    }))!.message.id,
  );
  const encoder = new Encoder();
  await row('broadcast encode: socket.io-parser Encoder.encode(message:new)', () =>
    encoder.encode({ type: 2, nsp: '/', data: [MessageEvent.NEW, message] }),
  );
  await row('broadcast: io.to(room).emit with no socket in the room (adapter work)', () =>
    server.io.to(channelRoom(randomUUID())).emit(MessageEvent.NEW, message!),
  );
  // The hop alone: the same message to a thread that only answers, and back (what the writer thread
  // adds beyond its commit: two structured clones and two thread wake-ups). Process CPU, both threads.
  const echo = new Worker(
    "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage({ type: 'committed', outcomes: [{ ok: true, value: m }] }));",
    { eval: true },
  );
  const op = { kind: 'insertMessage', message: { ...message, id: randomUUID() } };
  const roundTrip = () =>
    new Promise((resolve) => {
      echo.once('message', resolve);
      echo.postMessage({ type: 'batch', ops: [op] });
    });
  await row('writer hop alone: postMessage to a thread and back, wall', roundTrip);
  const hops = Math.min(n, 2000);
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < hops; i++) await roundTrip();
  const cpu = process.cpuUsage(cpuBefore);
  rows.push(['writer hop alone: process CPU (both threads)', (cpu.user + cpu.system) / hops]);
  await echo.terminate();
  // The hop: the store's insert through the writer thread, one at a time (commit and fsync included);
  // wall time, so it is an upper bound on the CPU the hop costs.
  await row(
    'store.insertMessage, one at a time (hop + commit + fsync), wall',
    () =>
      store.insertMessage({
        id: randomUUID(),
        channelId,
        userId,
        content: payload.content,
        clientMessageId: randomUUID(),
        createdAt: new Date().toISOString(),
        mentions: [],
      }),
    Math.min(n, 500),
  );
  console.log('\nsteps (µs per message, best of 5 rounds):');
  for (const [name, us] of rows) console.log(`${us.toFixed(2).padStart(9)} µs  ${name}`);
}

async function e2e(server: TestServer, n: number, profileFile: string | undefined): Promise<void> {
  // The main thread only, over the measured messages (not start-up, not the warm-up).
  const profiler = profileFile ? new Session() : undefined;
  profiler?.connect();
  await profiler?.post('Profiler.enable');
  const [alice, bob] = await Promise.all([login(server.url, 'alice'), login(server.url, 'bob')]);
  const channels = await server.store.listChannels(alice.user.id);
  const general = channels.find((c) => c.name === 'general')!;
  const child = fork(new URL(import.meta.url).pathname, ['--client'], { execArgv: process.execArgv });
  let before = process.cpuUsage();
  let startedAt = 0;
  const result = await new Promise<{ p50: number; p99: number; count: number }>((resolve, reject) => {
    child.on('message', (m: { type: string; p50: number; p99: number; count: number }) => {
      if (m.type === 'measuring') {
        void profiler?.post('Profiler.start');
        before = process.cpuUsage();
        startedAt = performance.now();
      } else if (m.type === 'done') resolve(m);
    });
    child.on('error', reject);
    child.send({ url: server.url, tokens: [alice.token, bob.token], channelId: general.id, n });
  });
  const cpu = process.cpuUsage(before);
  const wall = performance.now() - startedAt;
  if (profiler && profileFile) {
    const { profile } = await profiler.post('Profiler.stop');
    await writeFile(profileFile, JSON.stringify(profile));
    console.log(`profile of the measured window (main thread): ${profileFile}`);
  }
  child.kill();
  const perMessage = (cpu.user + cpu.system) / result.count;
  console.log(
    `\ne2e: ${result.count} messages; server CPU ${perMessage.toFixed(0)} µs/message ` +
      `(user ${(cpu.user / result.count).toFixed(0)}, system ${(cpu.system / result.count).toFixed(0)}); ` +
      `send→receive p50 ${(result.p50 * 1000).toFixed(0)} µs, p99 ${(result.p99 * 1000).toFixed(0)} µs; ` +
      `${(wall / 1000).toFixed(1)} s`,
  );
}

/** The client process: alice sends, bob receives, one message in flight, 1 ms between. */
async function client(): Promise<void> {
  const { url, tokens, channelId, n } = await new Promise<{
    url: string;
    tokens: string[];
    channelId: string;
    n: number;
  }>((resolve) => process.once('message', resolve as never));
  const sockets: Socket[] = await Promise.all(
    tokens.map(
      (token) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(url, { auth: { token }, transports: ['websocket'] });
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', reject);
        }),
    ),
  );
  const [sender, receiver] = sockets as [Socket, Socket];
  const warmup = Math.min(300, n);
  const latencies: number[] = [];
  let arrived: (() => void) | undefined;
  receiver.on(MessageEvent.NEW, () => arrived?.());
  for (let i = 0; i < warmup + n; i++) {
    if (i === warmup) process.send!({ type: 'measuring' });
    const got = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const sentAt = performance.now();
    sender.emit(
      MessageEvent.SEND,
      { channelId, content: `b${i}${FILLER}`, clientMessageId: randomUUID() },
      () => {},
    );
    await got;
    if (i >= warmup) latencies.push(performance.now() - sentAt);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  process.send!({ type: 'done', p50: at(0.5), p99: at(0.99), count: latencies.length });
  for (const socket of sockets) socket.close();
}

async function main(): Promise<void> {
  if (args.flag('--client')) return client();
  const n = args.number('--messages', 3000);
  const server = await startTestServer({
    logger: createLogger('info', pino.destination('/dev/null')),
    messageRateLimit: 0,
  });
  try {
    const alice = (await server.store.findUserByUsername('alice'))!;
    const general = (await server.store.listChannels(alice.id)).find((c) => c.name === 'general')!;
    if (!args.flag('--e2e-only')) await steps(server, alice.id, general.id, n);
    if (!args.flag('--steps-only')) await e2e(server, n, args.value('--profile'));
  } finally {
    await server.close();
  }
}

await main();
