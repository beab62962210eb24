/**
 * Two instances behind a real redis-server (one database): a change made through one reaches the
 * sockets the other holds, and an opId applied through one is a replay through the other.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangeAck,
  ChangeEvent,
  MessageEvent,
  MessageUpdatedEvent,
  ReactionUpdatedEvent,
  SendAck,
} from '../../src-shared/protocol';
import { type RedisProcess, redisUnavailable, startRedis } from '../redis-server';
import {
  type ClientSocket,
  connectAs,
  emitWithAck,
  makeTempDir,
  nextEvent,
  startTestServer,
  type TestServer,
} from '../testing';

const unavailable = redisUnavailable();
if (unavailable) console.warn(`changes-redis.test.ts skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('messages that change across two instances through Redis', () => {
  let redis: RedisProcess;
  let dataDir: string;
  let a: TestServer;
  let b: TestServer;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    dataDir = await makeTempDir();
    a = await startTestServer({ dataDir, redisUrl: redis.url });
    b = await startTestServer({ dataDir, redisUrl: redis.url });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await a?.close();
    await b?.close();
    await redis?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('broadcasts an edit and a reaction to the other instance; an opId replays across them', async () => {
    const alice = await connectAs(a.url, 'alice');
    const bob = await connectAs(b.url, 'bob');
    const aliceOnB = await connectAs(b.url, 'alice');
    sockets.push(alice.socket, bob.socket, aliceOnB.socket);
    const general = (await a.store.findChannelByName('general'))!.id;
    const sent = SendAck.parse(
      await emitWithAck(alice.socket, MessageEvent.SEND, { channelId: general, content: 'typo' }),
    );
    if (!sent.ok) throw new Error(sent.error);

    const updated = nextEvent<unknown>(bob.socket, ChangeEvent.UPDATED);
    const edit = { messageId: sent.messageId, content: 'fixed', opId: randomUUID() };
    const first = ChangeAck.parse(await emitWithAck(alice.socket, ChangeEvent.EDIT, edit));
    expect(first.ok).toBe(true);
    expect(MessageUpdatedEvent.parse(await updated).message.content).toBe('fixed');

    const reacted = nextEvent<unknown>(alice.socket, ChangeEvent.REACTION_UPDATED);
    await emitWithAck(bob.socket, ChangeEvent.REACTION_ADD, {
      messageId: sent.messageId,
      emoji: '👍',
      opId: randomUUID(),
    });
    expect(ReactionUpdatedEvent.parse(await reacted).reactions).toEqual([
      { emoji: '👍', userIds: [bob.user.id] },
    ]);

    // The same edit again, from alice's other device on the other instance: the first answer, no change.
    expect(await emitWithAck(aliceOnB.socket, ChangeEvent.EDIT, { ...edit, content: 'other' })).toEqual(
      first,
    );
    expect((await b.store.getMessage(sent.messageId))?.content).toBe('fixed');
  });
});
