/**
 * The duplicate-receipt flood of issue 11, shared by its test (what must hold: the flooder is cut,
 * memory stays flat) and `npm run bench` figure 11 (what it costs: the other users' ack p99). The flood
 * comes from its own process, so it does not slow the measuring process's clock.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MessageEvent, SendAck } from '../../../src-shared/protocol';
import { type ConnectedUser, emitWithAck } from '../../testing';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Duplicate receipts, 200 every 5 ms (up to 40,000 a second, 40× the allowance), for `ms`; prints how
 * many it emitted and why its connection ended: as soon as the server cuts it, or 5 s after the flood
 * ended ('-' if it was still connected then).
 */
const FLOODER = `
const { io } = require('socket.io-client');
const [url, token, userId, messageId, channelId, ms] = process.argv.slice(1);
const socket = io(url, { auth: { token, userId }, transports: ['websocket'], reconnection: false });
let ended = '-';
let sent = 0;
let done = false;
const finish = () => { if (done) return; done = true; console.log(sent + ' ' + ended); socket.close(); };
socket.on('disconnect', (reason) => { ended = reason.replaceAll(' ', '_'); finish(); });
socket.on('connect', () => {
  const until = Date.now() + Number(ms);
  const burst = () => {
    if (done) return;
    // A busy server may still be reading what was sent: give it 5 s to cut the connection.
    if (Date.now() >= until) { setTimeout(finish, 5000); return; }
    for (let i = 0; i < 200; i++) socket.emit('message:delivered', { messageId, channelId });
    sent += 200;
    setTimeout(burst, 5);
  };
  burst();
});
socket.on('connect_error', (err) => { console.error(err.message); process.exit(1); });
`;

export interface FloodResult {
  /** Receipts the flooder emitted. */
  emitted: number;
  /** Why its connection ended ('io_server_disconnect' when the server cut it), '-' if it did not. */
  ended: string;
}

/** Starts `flooder` flooding receipts of `messageId` for `ms`; resolves when its process ends. */
export function floodReceipts(
  url: string,
  flooder: ConnectedUser,
  target: { messageId: string; channelId: string },
  ms: number,
): Promise<FloodResult> {
  const child = spawn(
    process.execPath,
    ['-e', FLOODER, url, flooder.token, flooder.user.id, target.messageId, target.channelId, String(ms)],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve) =>
    child.once('exit', () => {
      const [emitted, ended] = out.trim().split(' ');
      resolve({ emitted: Number(emitted), ended: ended ?? '-' });
    }),
  );
}

/** `sender` sends `n` messages one after another; the ack time of each, in ms. Throws on a refusal. */
export async function ackTimes(sender: ConnectedUser, channelId: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const ack = SendAck.parse(
      await emitWithAck(sender.socket, MessageEvent.SEND, { content: `m${i}`, channelId }),
    );
    times.push(performance.now() - started);
    if (!ack.ok) throw new Error(`send refused during the flood: ${ack.error}`);
  }
  return times;
}

/** A message to flood receipts of. */
export async function floodTarget(
  sender: ConnectedUser,
  channelId: string,
): Promise<{ messageId: string; channelId: string }> {
  const ack = SendAck.parse(
    await emitWithAck(sender.socket, MessageEvent.SEND, { content: 'flood me', channelId }),
  );
  if (!ack.ok) throw new Error(ack.error);
  return { messageId: ack.messageId, channelId };
}
