/**
 * `message:send:batch` (an addition: RelayEvent) on both stores: a batch's answers are what the same sends
 * one by one, pipelined on one socket, are answered (plain, numbered, threaded, a replayed clientMessageId,
 * OUT_OF_ORDER, a malformed item, a non-member, RATE_LIMITED mid-batch), the room gets `message:new` per
 * message in seq order, and a batch refused whole (over the cap, under two, no ack) stores nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MAX_SEND_BATCH_ITEMS,
  type Message,
  MessageEvent,
  RelayEvent,
  RelayFeatures,
  SendAck,
  SendBatchAck,
} from '../../src-shared/protocol';
import { newMessage } from '../store/contract';
import { eachStore } from '../store/postgres/testing/each-store';
import {
  type ClientSocket,
  demoServer,
  emitWithAck,
  flush,
  login,
  nextEvent,
  openSocket,
  recordEvents,
} from '../testing';

const stores = eachStore('send-batch.test.ts');

type Item = Record<string, unknown>;
type Mode = 'one by one' | 'batched';

/** Every item at once in order: one `message:send` each with no await between, or one batch. */
async function sendAll(socket: ClientSocket, items: Item[], mode: Mode): Promise<SendAck[]> {
  if (mode === 'one by one')
    return Promise.all(items.map((item) => emitWithAck(socket, MessageEvent.SEND, item).then(SendAck.parse)));
  const ack = SendBatchAck.parse(await emitWithAck(socket, RelayEvent.SEND_BATCH, { items }));
  if (!Array.isArray(ack)) throw new Error(`the batch was refused: ${ack.code} ${ack.error}`);
  return ack;
}

/** What must be equal between the two ways: ids and times differ from server to server (channels by name). */
function answerOf(ack: SendAck, names: Record<string, string>): unknown {
  if (!ack.ok)
    return {
      code: ack.code,
      error: ack.error,
      expectedSeq: ack.expectedSeq,
      waits: ack.retryAfterMs !== undefined,
    };
  return { ok: true, channel: names[ack.channelId], seq: ack.seq, clientMessageId: ack.clientMessageId };
}

describe.each(stores)('message:send:batch on $store', ({ skip, options }) => {
  const demo = demoServer();
  afterEach(async () => {
    vi.useRealTimers();
    await demo.stop();
  });

  /** A thread root, stored directly (no rate-limit point). */
  async function root(authorId: string): Promise<Message> {
    const { message } = await demo.server.store.insertMessage(
      newMessage(demo.general.id, authorId, { content: 'root' }),
    );
    return message;
  }

  async function contents(channelId: string): Promise<string[]> {
    const page = await demo.server.store.listMessages(channelId, 'nobody', { after: 0, limit: 500 });
    return page.messages.map((m) => m.content);
  }

  /**
   * carol (in #general, not in #random) sends `script`'s items on a fresh server, `mode`'s way; bob
   * watches #general. The answers, what #general holds, what bob received and what carol was sent.
   */
  async function run(
    mode: Mode,
    messageRateLimit: number,
    script: (ids: { general: string; random: string; thread: string }) => Item[],
  ) {
    await demo.start({ ...(await options()), messageRateLimit });
    const carol = await demo.as('carol');
    const bob = await demo.as('bob');
    const thread = await root(carol.user.id);
    const items = script({ general: demo.general.id, random: demo.random.id, thread: thread.id });
    const seenByBob = recordEvents(bob.socket);
    const seenByCarol = recordEvents(carol.socket);
    // The limiter's clock (performance.now) only moves when the test says so.
    vi.useFakeTimers({ toFake: ['performance'] });
    const acks = await sendAll(carol.socket, items, mode);
    vi.useRealTimers();
    await flush(carol.socket);
    const stored = await contents(demo.general.id);
    await vi.waitFor(() =>
      expect(seenByBob.filter((e) => e.event === MessageEvent.NEW).length).toBe(stored.length - 1),
    );
    const result = {
      acks,
      answers: acks.map((ack) => answerOf(ack, { [demo.general.id]: 'general', [demo.random.id]: 'random' })),
      stored,
      bobSeqs: seenByBob.filter((e) => e.event === MessageEvent.NEW).map((e) => (e.payload as Message).seq),
      carolEvents: seenByCarol.map((e) => e.event),
    };
    await demo.stop();
    return result;
  }

  it.skipIf(skip)(
    'answers each item as the same send alone would be: plain, threaded, numbered, a replay, out of order, malformed, not a member, no parent',
    async () => {
      const device = randomUUID();
      const other = randomUUID();
      const cmid = Array.from({ length: 14 }, () => randomUUID());
      const script = ({ general, random, thread }: { general: string; random: string; thread: string }) => [
        { content: 'plain', channelId: general, clientMessageId: cmid[0] },
        { content: 'no id', channelId: general },
        { content: 'reply', channelId: general, parentId: thread, clientMessageId: cmid[1] },
        { content: 'n1', channelId: general, clientMessageId: cmid[2], deviceId: device, deviceSeq: 1 },
        { content: 'n2', channelId: general, clientMessageId: cmid[3], deviceId: device, deviceSeq: 2 },
        { content: 'a retry of plain', channelId: general, clientMessageId: cmid[0] },
        // 3 is missing: these two cannot be next.
        { content: 'n4', channelId: general, clientMessageId: cmid[4], deviceId: device, deviceSeq: 4 },
        { content: 'n5', channelId: general, clientMessageId: cmid[5], deviceId: device, deviceSeq: 5 },
        { content: 'not a member', channelId: random, clientMessageId: cmid[6] },
        { content: '', channelId: general, clientMessageId: cmid[7] },
        // Malformed but next: refused, and its number is used up…
        { content: '   ', channelId: general, clientMessageId: cmid[8], deviceId: device, deviceSeq: 3 },
        // …so 4 is next now.
        { content: 'n4 again', channelId: general, clientMessageId: cmid[9], deviceId: device, deviceSeq: 4 },
        { content: 'no parent', channelId: general, parentId: randomUUID(), clientMessageId: cmid[10] },
        {
          content: 'numbered, not a member',
          channelId: random,
          clientMessageId: cmid[11],
          deviceId: other,
          deviceSeq: 1,
        },
        { content: 'not even an object' } as Item,
        { content: 'last', channelId: general, clientMessageId: cmid[12], deviceId: device, deviceSeq: 5 },
      ];
      const alone = await run('one by one', 0, script);
      const batched = await run('batched', 0, script);

      expect(batched.answers).toEqual(alone.answers);
      // The script does reach each path (a check of the test, on the single path's answers).
      expect(alone.answers.map((a) => (a as { code?: string }).code ?? 'ok')).toEqual([
        'ok',
        'ok',
        'ok',
        'ok',
        'ok',
        'ok',
        'OUT_OF_ORDER',
        'OUT_OF_ORDER',
        'FORBIDDEN',
        'VALIDATION',
        'VALIDATION',
        'ok',
        'NOT_FOUND',
        'FORBIDDEN',
        'VALIDATION',
        'ok',
      ]);
      // The replay is answered with the first message itself.
      const [first, , , , , replay] = batched.acks;
      expect(replay).toEqual(first);
      expect(batched.stored).toEqual(alone.stored);
      // Every message once. (Their order to the room varied from run to run on SQLite for this mix of
      // plain and numbered sends, one by one as well: e.g. 5, 6, 2, 3, 4, 7, 8. Left to the lead.)
      const ascending = (seqs: number[]) => [...seqs].sort((a, b) => a - b);
      expect(ascending(batched.bobSeqs)).toEqual(ascending(alone.bobSeqs));
      // The batch's answers travel in its ack only: no message:sent, no message:error per item.
      expect(alone.carolEvents.filter((e) => e === MessageEvent.SENT)).toHaveLength(8);
      expect(batched.carolEvents.filter((e) => e === MessageEvent.SENT || e === MessageEvent.ERROR)).toEqual(
        [],
      );
    },
  );

  it.skipIf(skip)(
    'counts each item against the rate limit like a send, and a replay of an accepted one not at all',
    async () => {
      const cmid = Array.from({ length: 6 }, () => randomUUID());
      const script = ({ general }: { general: string }) => [
        { content: 'm0', channelId: general, clientMessageId: cmid[0] },
        { content: 'm1', channelId: general, clientMessageId: cmid[1] },
        { content: 'm0 again', channelId: general, clientMessageId: cmid[0] },
        { content: 'm2', channelId: general, clientMessageId: cmid[2] },
        { content: 'm3', channelId: general, clientMessageId: cmid[3] },
        { content: 'm4', channelId: general, clientMessageId: cmid[4] },
      ];
      const alone = await run('one by one', 3, script);
      const batched = await run('batched', 3, script);
      expect(batched.answers).toEqual(alone.answers);
      expect(batched.answers.map((a) => (a as { code?: string }).code ?? 'ok')).toEqual([
        'ok',
        'ok',
        'ok',
        'ok',
        'RATE_LIMITED',
        'RATE_LIMITED',
      ]);
      expect(batched.answers.slice(4)).toEqual([
        expect.objectContaining({ waits: true }),
        expect.objectContaining({ waits: true }),
      ]);
      expect(batched.stored).toEqual(['root', 'm0', 'm1', 'm2']);
    },
  );

  it.skipIf(skip)(
    'refuses a batch over the cap, under two items, without an ack or not an object: nothing stored',
    async () => {
      await demo.start({ ...(await options()), messageRateLimit: 0 });
      const alice = await demo.as('alice');
      const events = recordEvents(alice.socket);
      const item = (i: number) => ({
        content: `m${i}`,
        channelId: demo.general.id,
        clientMessageId: randomUUID(),
      });
      const over = Array.from({ length: MAX_SEND_BATCH_ITEMS + 1 }, (_, i) => item(i));
      for (const payload of [{ items: over }, { items: [item(0)] }, { items: 'no' }, 'no', null]) {
        const ack = SendBatchAck.parse(await emitWithAck(alice.socket, RelayEvent.SEND_BATCH, payload));
        expect(ack).toEqual(expect.objectContaining({ ok: false, code: 'VALIDATION' }));
      }
      // Without an ack: refused whole (its answers would go nowhere), said in message:error.
      (alice.socket as unknown as { emit(e: string, p: unknown): void }).emit(RelayEvent.SEND_BATCH, {
        items: [item(1), item(2)],
      });
      await flush(alice.socket);
      expect(events.filter((e) => e.event === MessageEvent.ERROR).at(-1)?.payload).toEqual(
        expect.objectContaining({ code: 'VALIDATION', event: RelayEvent.SEND_BATCH }),
      );
      expect(await contents(demo.general.id)).toEqual([]);
      // At the cap, it is taken.
      const full = Array.from({ length: MAX_SEND_BATCH_ITEMS }, (_, i) => item(i));
      const acks = await sendAll(alice.socket, full, 'batched');
      expect(acks.map((a) => (a.ok ? a.seq : a.code))).toEqual(full.map((_, i) => i + 1));
    },
  );

  it.skipIf(skip)(
    'tells each socket as it connects that it takes batches, and how many sends in one',
    async () => {
      await demo.start(await options());
      const { token, user } = await login(demo.server.url, 'alice');
      const socket = openSocket(demo.server.url, { token, userId: user.id });
      demo.closeAtStop(socket);
      const features = RelayFeatures.parse(await nextEvent(socket, RelayEvent.FEATURES));
      expect(features.sendBatch).toEqual({ maxItems: MAX_SEND_BATCH_ITEMS });
    },
  );
});
