/**
 * `npm run bench -- --compression`: WebSocket permessage-deflate (threshold 1 KiB) against none, on the
 * bench's message sizes (~100 characters of content, as every figure sends) and on longer ones (1,000
 * and 2,000 characters, the protocol's maximum). One server process per mode; alice sends, bob
 * receives, one message at a time. Reported per message: the server's CPU time (from /proc, so the
 * clients' work is not counted), the bytes on the wire both ways (through a counting TCP relay), and
 * send → receive latency. Prints a table; BENCHMARKS.md, "Compression", holds the measured figures.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server, Socket } from 'node:net';
import os from 'node:os';
import { io } from 'socket.io-client';
import { login, makeTempDir, spawnServer } from '../src-server/testing';
import { MessageEvent } from '../src-shared/protocol';
import { createHistogram, recordMs, summarize } from './lib/stats';

const SIZES = [100, 1_000, 2_000];
const MESSAGES = Number(process.env.COMPRESSION_MESSAGES ?? 400);
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** A TCP relay to `port` that counts the bytes each way. */
async function countingRelay(port: number): Promise<{ port: number; bytes: () => number; close(): void }> {
  let bytes = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    upstream.connect(port, '127.0.0.1');
    client.on('data', (d: Buffer) => {
      bytes += d.length;
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      bytes += d.length;
      client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    bytes: () => bytes,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

interface Result {
  mode: string;
  size: number;
  cpuUsPerMessage: number;
  wireBytesPerMessage: number;
  p50: number;
  p99: number;
}

async function measure(deflate: boolean): Promise<Result[]> {
  const dataDir = await makeTempDir('relay-compression-');
  const server = await spawnServer({
    dataDir,
    env: { PER_MESSAGE_DEFLATE: deflate ? '1' : '0', MESSAGE_RATE_LIMIT: '0' },
    timeoutMs: 90_000,
  });
  const relay = await countingRelay(server.port);
  const url = `http://127.0.0.1:${relay.port}`;
  const results: Result[] = [];
  try {
    const [alice, bob] = await Promise.all([login(url, 'alice'), login(url, 'bob')]);
    // socket.io-client offers permessage-deflate (threshold 1 KiB) by default; the server decides.
    const open = (auth: object) =>
      new Promise<ReturnType<typeof io>>((resolve, reject) => {
        const s = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
        s.once('connect', () => resolve(s));
        s.once('connect_error', reject);
      });
    const a = await open({ token: alice.token, userId: alice.user.id });
    const b = await open({ token: bob.token, userId: bob.user.id });
    const channels = (await (
      await fetch(`${url}/api/channels`, { headers: { authorization: `Bearer ${alice.token}` } })
    ).json()) as { id: string; name: string }[];
    const channelId = channels.find((c) => c.name === 'general')!.id;
    // Text that varies from message to message as chat does (a fixed filler would compress unfairly).
    const WORDS =
      'the a to and of is in it you that for on are with be this was have not we at but so if can will just deploy server fix build release test meeting today tomorrow thanks ok please review merge branch issue question idea'.split(
        ' ',
      );
    let seed = 42;
    const word = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return WORDS[seed % WORDS.length]!;
    };
    const text = (size: number) => {
      let out = '';
      while (out.length < size) out += `${word()} `;
      return out.slice(0, size);
    };
    for (const size of SIZES) {
      const histogram = createHistogram();
      const send = async (i: number) => {
        const content = `${i} ${text(size)}`.slice(0, size);
        const received = new Promise<void>((resolve) => b.once(MessageEvent.NEW, () => resolve()));
        const start = performance.now();
        await a.timeout(10_000).emitWithAck(MessageEvent.SEND, { channelId, content });
        await received;
        return performance.now() - start;
      };
      for (let i = 0; i < 20; i++) await send(i); // warm-up
      const cpu0 = cpuSeconds(server.child.pid!);
      const bytes0 = relay.bytes();
      for (let i = 0; i < MESSAGES; i++) recordMs(histogram, await send(i));
      const s = summarize(histogram);
      results.push({
        mode: deflate ? 'perMessageDeflate ≥ 1 KiB' : 'none',
        size,
        cpuUsPerMessage: ((cpuSeconds(server.child.pid!) - cpu0) * 1e6) / MESSAGES,
        wireBytesPerMessage: (relay.bytes() - bytes0) / MESSAGES,
        p50: s.p50,
        p99: s.p99,
      });
    }
    a.close();
    b.close();
  } finally {
    relay.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return results;
}

export async function runCompression(): Promise<void> {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  console.log(
    `compression: ${MESSAGES} messages per size and mode; load average before: ${load} (${os.cpus().length} cores)`,
  );
  const rows = [...(await measure(false)), ...(await measure(true))];
  console.log(
    '| mode | content chars | server CPU µs/message | bytes on the wire/message | p50 ms | p99 ms |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows.sort((x, y) => x.size - y.size)) {
    console.log(
      `| ${r.mode} | ${r.size} | ${r.cpuUsPerMessage.toFixed(0)} | ${r.wireBytesPerMessage.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`,
    );
  }
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
  );
}
