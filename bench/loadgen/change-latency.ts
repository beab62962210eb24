/**
 * edit → seen latency, idle, timed in this one process: pool[0] sends one message to `channelId`, then
 * edits it again and again (a new opId each time), the next edit `gapMs` after the previous one was
 * seen; pool[1] is the other member, and the edit counts as seen when its `message:updated` arrives.
 * The content carries the edit's number (seqOf), so a late frame is never taken for the current one.
 */
import { randomUUID } from 'node:crypto';
import { ChangeEvent, MessageEvent } from '../../src-shared/protocol';
import type { LatencySummary } from '../lib/stats';
import { OneInFlight } from './one-in-flight';
import { onFrames, pool, reserveSeqs, sendPayload, seqOf } from './pool';

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
  const flight = new OneInFlight(args);
  onFrames((frame, index) => {
    if (
      index !== 1 ||
      frame.compare(UPDATED_PREFIX, 0, UPDATED_PREFIX.length, 0, UPDATED_PREFIX.length) !== 0
    )
      return;
    flight.arrived(seqOf(frame));
  });
  let refused = 0;
  const result = await flight.run((seq) => {
    const { content } = sendPayload(args.channelId, seq);
    sender.emit(ChangeEvent.EDIT, { messageId, content, opId: randomUUID() }, (json) => {
      if (!json.startsWith('[{"ok":true')) refused++;
    });
  });
  onFrames(null);
  return { ...result, refused };
}
