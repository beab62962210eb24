/**
 * Two instances behind a real redis-server (one database): a change made through one reaches the
 * sockets the other holds, and an opId applied through one is a replay through the other.
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  ChangeAck,
  ChangeEvent,
  MessageEvent,
  MessageUpdatedEvent,
  ReactionUpdatedEvent,
  SendAck,
} from '../../src-shared/protocol';
import { connectAs, emitWithAck, nextEvent } from '../testing';
import { describeOnTwoInstances } from './testing/describe-on-two-instances';

describeOnTwoInstances(
  'messages that change across two instances through Redis',
  'changes-redis.test.ts',
  (instances) => {
    it('broadcasts an edit and a reaction to the other instance; an opId replays across them', async () => {
      const alice = await connectAs(instances.a.url, 'alice');
      const bob = await connectAs(instances.b.url, 'bob');
      const aliceOnB = await connectAs(instances.b.url, 'alice');
      instances.sockets.push(alice.socket, bob.socket, aliceOnB.socket);
      const general = (await instances.a.store.findChannelByName('general'))!.id;
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
      expect((await instances.b.store.getMessage(sent.messageId))?.content).toBe('fixed');
    });
  },
);
