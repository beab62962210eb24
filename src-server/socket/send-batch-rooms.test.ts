/**
 * `message:send:batch` and interface.md's room rules (review of stop 25): a batch whose items go to two
 * channels keeps each channel's own order, a gap in one channel refuses only that channel's later
 * items, `message:new` goes per message to each room except the sending socket (the sender's other
 * devices get it), and a plain `message:send` on the same socket still gets its `message:sent`.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Message, MessageEvent, RelayEvent, SendAck, SendBatchAck } from '../../src-shared/protocol';
import { demoServer, emitWithAck, flush, recordEvents } from '../testing';

const demo = demoServer();
afterEach(() => demo.stop());

type Recorded = { event: string; payload: unknown }[];

/** Each channel's `message:new` seqs, in the order they arrived. */
function newSeqs(events: Recorded, channelId: string): number[] {
  return events
    .filter((e) => e.event === MessageEvent.NEW && (e.payload as Message).channelId === channelId)
    .map((e) => (e.payload as Message).seq);
}

describe('message:send:batch across channels and devices', () => {
  it("keeps each channel's order, refuses a gap only in its channel, and reaches the sender's other socket", async () => {
    await demo.start({ messageRateLimit: 0 });
    const sender = await demo.as('alice');
    const otherDevice = await demo.as('alice');
    const bob = await demo.as('bob');
    const seenBySender = recordEvents(sender.socket);
    const seenByOther = recordEvents(otherDevice.socket);
    const seenByBob = recordEvents(bob.socket);
    const general = demo.general.id;
    const random = demo.random.id;
    const deviceId = randomUUID();
    const item = (channelId: string, deviceSeq: number, content: string) => ({
      content,
      channelId,
      clientMessageId: randomUUID(),
      deviceId,
      deviceSeq,
    });
    const items = [
      item(general, 1, 'g1'),
      item(random, 1, 'r1'),
      item(general, 2, 'g2'),
      // #general's 3 is missing: its later items are out of order, #random's go on.
      item(general, 4, 'g4'),
      item(random, 2, 'r2'),
      item(general, 5, 'g5'),
      item(random, 3, 'r3'),
    ];
    const ack = SendBatchAck.parse(await emitWithAck(sender.socket, RelayEvent.SEND_BATCH, { items }));
    if (!Array.isArray(ack)) throw new Error(`refused whole: ${ack.code}`);
    expect(
      ack.map((a) =>
        a.ok ? `${a.channelId === general ? 'g' : 'r'}${a.seq}` : `${a.code} ${a.expectedSeq}`,
      ),
    ).toEqual(['g1', 'r1', 'g2', 'OUT_OF_ORDER 3', 'r2', 'OUT_OF_ORDER 3', 'r3']);

    // A plain send on the same socket keeps interface.md's message:sent.
    const single = SendAck.parse(
      await emitWithAck(sender.socket, MessageEvent.SEND, item(general, 3, 'g3 at last')),
    );
    expect(single).toEqual(expect.objectContaining({ ok: true, seq: 3 }));
    for (const socket of [sender.socket, otherDevice.socket, bob.socket]) await flush(socket);

    const sent = seenBySender.filter((e) => e.event === MessageEvent.SENT).map((e) => e.payload);
    expect(sent).toEqual([single]);
    expect(seenBySender.filter((e) => e.event === MessageEvent.NEW)).toEqual([]);
    for (const seen of [seenByOther, seenByBob]) {
      expect({ general: newSeqs(seen, general), random: newSeqs(seen, random) }).toEqual({
        general: [1, 2, 3],
        random: [1, 2, 3],
      });
    }
  });
});
