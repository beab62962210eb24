/**
 * Per-channel order under pipelining, on both stores. The desktop outbox emits up to its window (256) of
 * `message:send`s of a channel on one socket without waiting for acks; the server must number them in emit order, and a
 * rate-limit refusal must not let a later message of the same burst through ahead of the refused one.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Message, MessageEvent, SendAck } from '../../src-shared/protocol';
import type { ServerOptions } from '../app';
import {
  type PostgresCluster,
  postgresUnavailable,
  startPostgresCluster,
} from '../store/postgres/postgres-cluster';
import { type ClientSocket, demoServer, emitWithAck, recordEvents } from '../testing';

const pgUnavailable = postgresUnavailable();
if (pgUnavailable) console.warn(`send-order.test.ts: the PostgreSQL cases are skipped: ${pgUnavailable}`);

let cluster: PostgresCluster | undefined;
beforeAll(async () => {
  if (!pgUnavailable) cluster = await startPostgresCluster();
});
afterAll(() => cluster?.stop());

const stores: { store: string; skip: boolean; options: () => Promise<Partial<ServerOptions>> }[] = [
  { store: 'SQLite', skip: false, options: async () => ({}) },
  {
    store: 'PostgreSQL',
    skip: pgUnavailable !== undefined,
    options: async () => ({ databaseUrl: await cluster!.createDatabase() }),
  },
];

interface Send {
  content: string;
  channelId: string;
  clientMessageId?: string;
  parentId?: string;
}

/** Emits every send at once, in order, with no await in between (as the outbox pipelines). */
function pipeline(socket: ClientSocket, sends: Send[]): Promise<SendAck[]> {
  return Promise.all(
    sends.map((send) => emitWithAck<unknown>(socket, MessageEvent.SEND, send).then((a) => SendAck.parse(a))),
  );
}

describe.each(stores)('send order on $store', ({ skip, options }) => {
  const demo = demoServer();
  afterEach(async () => {
    vi.useRealTimers();
    await demo.stop();
  });

  /** A thread root, stored directly so it takes no rate-limit point; the replies below hang off it. */
  async function root(authorId: string): Promise<Message> {
    const { message } = await demo.server.store.insertMessage({
      id: randomUUID(),
      channelId: demo.general.id,
      userId: authorId,
      content: 'root',
      createdAt: new Date().toISOString(),
    });
    return message;
  }

  async function contents(): Promise<string[]> {
    const page = await demo.server.store.listMessages(demo.general.id, 'nobody', { after: 0, limit: 500 });
    return page.messages.map((m) => m.content);
  }

  it.skipIf(skip)(
    'numbers one socket’s pipelined sends in emit order, broadcasts them in that order, and answers a replay inside the pipeline with the first',
    async () => {
      await demo.start({ ...(await options()), messageRateLimit: 0 });
      const alice = await demo.as('alice');
      const bob = await demo.as('bob');
      const thread = await root(alice.user.id);
      const seenByBob = recordEvents(bob.socket);

      // Every shape the handler takes a different path for: with and without a clientMessageId, and
      // replies, whose parent is looked up first.
      const sends: Send[] = Array.from({ length: 200 }, (_, i) => ({
        content: `m${i}`,
        channelId: demo.general.id,
        ...(i % 5 === 4 ? {} : { clientMessageId: randomUUID() }),
        ...(i % 3 === 1 ? { parentId: thread.id } : {}),
      }));
      const replayOf = 10;
      const replay = { ...sends[replayOf]!, content: 'a retry of m10' };
      const acks = await pipeline(alice.socket, [...sends.slice(0, 50), replay, ...sends.slice(50)]);

      const replayAck = acks.splice(50, 1)[0];
      expect(replayAck).toEqual(acks[replayOf]);
      expect(acks.map((a) => (a.ok ? a.seq : a.code))).toEqual(sends.map((_, i) => i + 2));
      expect(await contents()).toEqual(['root', ...sends.map((s) => s.content)]);
      // bob's message:new arrive in seq order (the last one is in once alice has every ack, give or take
      // the room's delivery, so wait for it).
      await vi.waitFor(() => expect(seenByBob.length).toBeGreaterThanOrEqual(sends.length));
      const newSeqs = seenByBob
        .filter((e) => e.event === MessageEvent.NEW)
        .map((e) => (e.payload as Message).seq);
      expect(newSeqs).toEqual(sends.map((_, i) => i + 2));
    },
  );

  it.skipIf(skip)(
    'with MESSAGE_RATE_LIMIT=3, accepts a prefix of a pipelined burst; retrying the rest after each block stores it all in order',
    async () => {
      await demo.start({ ...(await options()), messageRateLimit: 3 });
      const alice = await demo.as('alice');
      const thread = await root(alice.user.id);
      // The limiter's clock (performance.now) only moves when the test says so.
      vi.useFakeTimers({ toFake: ['performance'] });

      const burst: Send[] = Array.from({ length: 20 }, (_, i) => ({
        content: `m${i}`,
        channelId: demo.general.id,
        clientMessageId: randomUUID(),
        ...(i % 3 === 0 ? { parentId: thread.id } : {}),
      }));
      let unsent = burst;
      const rounds: number[] = [];
      while (unsent.length > 0 && rounds.length < 10) {
        const acks = await pipeline(alice.socket, unsent);
        const accepted = acks.findIndex((a) => !a.ok);
        const taken = accepted === -1 ? acks.length : accepted;
        // Nothing after the first refusal got in.
        expect(acks.slice(taken).map((a) => (a.ok ? 'accepted' : a.code))).toEqual(
          acks.slice(taken).map(() => 'RATE_LIMITED'),
        );
        rounds.push(taken);
        unsent = unsent.slice(taken);
        // Past the block, the bucket is full again.
        vi.advanceTimersByTime(1_000);
      }
      expect(rounds).toEqual([3, 3, 3, 3, 3, 3, 2]);
      expect(await contents()).toEqual(['root', ...burst.map((s) => s.content)]);
    },
  );
});
