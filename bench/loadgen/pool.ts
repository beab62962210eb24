/**
 * The load generator's sockets and the one place EVENT frames are dispatched from. Messages carry
 * `b<seq> ` at the start of their content; `seq` is unique for the life of the process, so a late
 * frame from an earlier scenario can never be counted by a later one.
 */
import { randomUUID } from 'node:crypto';
import { MessageEvent } from '../../src-shared/protocol';
import type { Identity } from '../servers/topology';
import { LiteSocket } from './sio-lite';

export type FrameHandler = (frame: Buffer, socketIndex: number) => void;

let handler: FrameHandler | null = null;
let nextSeq = 1;

export const pool: LiteSocket[] = [];
export let connectedCount = 0;

export function onFrames(h: FrameHandler | null): void {
  handler = h;
}

/** Reserves `n` consecutive sequence numbers and returns the first. */
export function reserveSeqs(n: number): number {
  const first = nextSeq;
  nextSeq += n;
  return first;
}

const FILLER = ' the quick brown fox jumps over the lazy dog, then reviews the pull request before lunch';

/** A `message:send` payload of about 100 characters of content, as a chat message typically is. */
export function sendPayload(channelId: string, seq: number) {
  return { channelId, content: `b${seq}${FILLER}`, clientMessageId: randomUUID() };
}

const NEW_PREFIX = Buffer.from(`42["${MessageEvent.NEW}"`);
const CONTENT_KEY = Buffer.from('"content":"b');

export function isNewMessage(frame: Buffer): boolean {
  return frame.compare(NEW_PREFIX, 0, NEW_PREFIX.length, 0, NEW_PREFIX.length) === 0;
}

/** The `seq` in a frame's content, or -1. */
export function seqOf(frame: Buffer): number {
  const at = frame.indexOf(CONTENT_KEY);
  if (at < 0) return -1;
  let seq = 0;
  for (let i = at + CONTENT_KEY.length; i < frame.length; i++) {
    const digit = frame[i]! - 0x30;
    if (digit < 0 || digit > 9) break;
    seq = seq * 10 + digit;
  }
  return seq;
}

export interface ConnectArgs {
  url: string;
  identities: Identity[];
  /** Socket i signs in as identities[i % identities.length]. */
  count: number;
  concurrency: number;
  reconnect: boolean;
  timeoutMs: number;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  seconds: number;
  connectsPerSecond: number;
  firstError?: string;
}

/** Opens `count` more sockets, at most `concurrency` handshakes in flight, bounded by `timeoutMs`. */
export async function connectMany(args: ConnectArgs): Promise<ConnectResult> {
  const start = performance.now();
  const deadline = start + args.timeoutMs;
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (next < args.count && performance.now() < deadline) {
      const i = next++;
      const identity = args.identities[i % args.identities.length]!;
      const index = pool.length;
      const socket = new LiteSocket({
        url: args.url,
        auth: { token: identity.token, userId: identity.userId },
        reconnect: args.reconnect,
        onEvent: (frame) => handler?.(frame, index),
        onConnect: () => connectedCount++,
        onDisconnect: () => connectedCount--,
      });
      pool.push(socket);
      try {
        await socket.connect();
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const connected = next - failed;
  const result: ConnectResult = { connected, failed, seconds, connectsPerSecond: connected / seconds };
  if (firstError !== undefined) result.firstError = firstError;
  return result;
}

export function closeAll(): void {
  for (const socket of pool) socket.close();
  pool.length = 0;
  connectedCount = 0;
}

/**
 * After the runner kills and restarts the server: waits until the sockets have seen the drop and
 * then until all `expected` are connected again. Seconds from this call.
 */
export async function awaitReconnect(expected: number, timeoutMs: number) {
  const start = performance.now();
  const deadline = start + timeoutMs;
  const tick = () => new Promise((r) => setTimeout(r, 20));
  let sawDrop = false;
  let lowest = connectedCount;
  while (performance.now() < deadline) {
    lowest = Math.min(lowest, connectedCount);
    if (connectedCount < expected) sawDrop = true;
    if (sawDrop && connectedCount >= expected) {
      return {
        allBack: true,
        seconds: (performance.now() - start) / 1000,
        lowest,
        connected: connectedCount,
      };
    }
    await tick();
  }
  return { allBack: false, seconds: (performance.now() - start) / 1000, lowest, connected: connectedCount };
}
