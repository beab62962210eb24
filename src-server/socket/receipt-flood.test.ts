/**
 * Issue 11: a flood of duplicate receipts grew the server's RSS from 308 to 840 MB (every one queued
 * a write) and delayed other users' acks by seconds. The server runs in its own process (its RSS is
 * what is measured) and the flood comes from another (so it does not slow this process's clock).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageEvent, SendAck } from '../../src-shared/protocol';
import {
  type ConnectedUser,
  connectAs,
  emitWithAck,
  makeTempDir,
  type SpawnedServer,
  spawnServer,
} from '../testing';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FLOOD_MS = 3_000;

/**
 * Duplicate receipts, 200 every 5 ms (up to 40,000 a second, 40× the allowance), for `ms`; prints how
 * many it emitted and why its connection ended ('-' while still connected).
 */
const FLOODER = `
const { io } = require('socket.io-client');
const [url, token, userId, messageId, channelId, ms] = process.argv.slice(1);
const socket = io(url, { auth: { token, userId }, transports: ['websocket'], reconnection: false });
let ended = '-';
socket.on('disconnect', (reason) => { ended = reason.replaceAll(' ', '_'); });
socket.on('connect', () => {
  const until = Date.now() + Number(ms);
  let sent = 0;
  const burst = () => {
    if (Date.now() >= until) { console.log(sent + ' ' + ended); socket.close(); return; }
    for (let i = 0; i < 200; i++) socket.emit('message:delivered', { messageId, channelId });
    sent += 200;
    setTimeout(burst, 5);
  };
  burst();
});
socket.on('connect_error', (err) => { console.error(err.message); process.exit(1); });
`;

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

const p99 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.ceil(samples.length * 0.99) - 1]!;

let dataDir: string;
let server: SpawnedServer;
let alice: ConnectedUser;
let carol: ConnectedUser;
let generalId: string;

beforeAll(async () => {
  dataDir = await makeTempDir();
  server = await spawnServer({ dataDir, env: { MESSAGE_RATE_LIMIT: '0' } });
  alice = await connectAs(server.url, 'alice');
  carol = await connectAs(server.url, 'carol');
  const channels = (await (
    await fetch(`${server.url}/api/channels`, { headers: { authorization: `Bearer ${alice.token}` } })
  ).json()) as { id: string; name: string }[];
  generalId = channels.find((c) => c.name === 'general')!.id;
});
afterAll(async () => {
  alice?.socket.close();
  carol?.socket.close();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** alice sends `n` messages one after another; the ack time of each. */
async function ackTimes(n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const ack = SendAck.parse(
      await emitWithAck(alice.socket, MessageEvent.SEND, { content: `m${i}`, channelId: generalId }),
    );
    times.push(performance.now() - started);
    expect(ack.ok).toBe(true);
  }
  return times;
}

describe('a duplicate-receipt flood', () => {
  // The ack p99 during the flood is printed, not asserted: timing belongs to `npm run bench` (a 2-core
  // machine shared with the flooder's own process makes it noise here). What is asserted is what makes
  // the p99 hold: the flooding connection is cut by the server, and memory stays flat.
  it('cuts the flooding connection and keeps RSS growth under 50 MB; the other users’ acks go on', async () => {
    const target = SendAck.parse(
      await emitWithAck(alice.socket, MessageEvent.SEND, { content: 'flood me', channelId: generalId }),
    );
    if (!target.ok) throw new Error(target.error);
    await ackTimes(20); // warm-up
    const baseline = p99(await ackTimes(150));
    const rssBefore = rssMb(server.child.pid!);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssMb(server.child.pid!));
    }, 50);
    const flooder = spawn(
      process.execPath,
      ['-e', FLOODER, server.url, carol.token, carol.user.id, target.messageId, generalId, String(FLOOD_MS)],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let sent = '';
    flooder.stdout.on('data', (chunk: Buffer) => {
      sent += chunk.toString();
    });
    const flooded = new Promise((resolve) => flooder.once('exit', resolve));
    // Let the flood build up, then measure alice's acks while it runs.
    await new Promise((r) => setTimeout(r, 500));
    const during = p99(await ackTimes(150));
    await flooded;
    // What the server queued has to drain: its memory is measured until then.
    await ackTimes(5);
    clearInterval(sampler);
    const growth = rssPeak - rssBefore;
    console.log(
      `receipt flood: ${sent.trim()} receipts sent; RSS ${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} MB; ` +
        `alice's ack p99 ${baseline.toFixed(1)} ms → ${during.toFixed(1)} ms`,
    );
    const [emitted, ended] = sent.trim().split(' ');
    // At least five times the allowance of 1,000 a window, whatever the machine's speed.
    expect(Number(emitted)).toBeGreaterThan(5_000);
    expect(ended).toBe('io_server_disconnect');
    expect(growth).toBeLessThan(50);
  });
});
