/**
 * edit → seen latency, idle, timed in this one process: pool[0] sends one message to `channelId`, then
 * edits it again and again (a new opId each time), the next edit `gapMs` after the previous one was
 * seen; pool[1] is the other member, and the edit counts as seen when its `message:updated` arrives.
 * The content carries the edit's number (seqOf), so a late frame is never taken for the current one.
 */
import { randomUUID } from 'node:crypto';
import { ChangeEvent, MessageEvent } from '../../src-shared/protocol';
import { createHistogram, type LatencySummary, recordMs, summarize } from '../lib/stats';
import { onFrames, pool, reserveSeqs, sendPayload, seqOf } from './pool';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const UPDATED_PREFIX = Buffer.from(`42["${ChangeEvent.UPDATED}"`);

export interface EditArgs {
  channelId: string;
  warmup: number;
  count: number;
  /** Pause after each edit was seen: keeps the sender under the per-connection allowance of changes. */
  gapMs: number;
  timeoutMs: number;
}

export async function editLatency(
  args: EditArgs,
): Promise<LatencySummary & { lost: number; refused: number }> {
  const [sender, receiver] = [pool[0]!, pool[1]!];
  if (!receiver) throw new Error('edit latency needs two connected sockets');
  const messageId = await new Promise<string>((resolve, reject) =>
    sender.emit(MessageEvent.SEND, sendPayload(args.channelId, reserveSeqs(1)), (json) => {
      const [ack] = JSON.parse(json) as [{ ok: boolean; messageId?: string; error?: string }];
      if (ack.ok && ack.messageId) resolve(ack.messageId);
      else reject(new Error(`the message to edit was refused: ${ack.error}`));
    }),
  );
  const histogram = createHistogram();
  const total = args.warmup + args.count;
  const first = reserveSeqs(total);
  let current = 0;
  let sentAt = 0;
  let seen: (() => void) | null = null;
  onFrames((frame, index) => {
    if (
      index !== 1 ||
      frame.compare(UPDATED_PREFIX, 0, UPDATED_PREFIX.length, 0, UPDATED_PREFIX.length) !== 0
    )
      return;
    if (seqOf(frame) !== current) return;
    if (current - first >= args.warmup) recordMs(histogram, performance.now() - sentAt);
    seen?.();
  });
  let lost = 0;
  let refused = 0;
  const deadline = performance.now() + args.timeoutMs;
  for (let i = 0; i < total && performance.now() < deadline; i++) {
    current = first + i;
    let timer: NodeJS.Timeout | undefined;
    const got = new Promise<boolean>((resolve) => {
      seen = () => resolve(true);
      timer = setTimeout(() => resolve(false), 2_000);
    });
    const { content } = sendPayload(args.channelId, current);
    sentAt = performance.now();
    sender.emit(ChangeEvent.EDIT, { messageId, content, opId: randomUUID() }, (json) => {
      if (!json.startsWith('[{"ok":true')) refused++;
    });
    if (!(await got)) lost++;
    clearTimeout(timer);
    seen = null;
    await sleep(args.gapMs);
  }
  onFrames(null);
  return { ...summarize(histogram), lost, refused };
}
