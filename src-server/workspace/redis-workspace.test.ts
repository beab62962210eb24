import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { type ChannelJoinedEvent, MessageEvent, SendAck, WorkspaceEvent } from '../../src-shared/protocol';
import { runAdmin } from '../admin/run';
import { describeOnTwoInstances } from '../socket/testing/describe-on-two-instances';
import {
  type ConnectedUser,
  connectAs,
  connectRefusal,
  emitWithAck,
  flush,
  nextEvent,
  recordEvents,
} from '../testing';
import { api } from './suite';

const BOUND_MS = 1_000;

describeOnTwoInstances(
  'workspace changes across two instances through Redis',
  'redis-workspace.test.ts',
  (instances) => {
    /** Resolves with how long after `since` the event arrived. */
    async function within<T>(pending: Promise<T>, since: number): Promise<{ value: T; ms: number }> {
      const value = await pending;
      return { value, ms: Date.now() - since };
    }

    /** alice on instance A creates a public channel; bob is connected to instance B. */
    async function aliceCreates(name: string) {
      const alice = await connectAs(instances.a.url, 'alice');
      const bob = await connectAs(instances.b.url, 'bob');
      instances.sockets.push(alice.socket, bob.socket);
      const { body: channel } = await api(instances.a.url, alice.token, 'POST', '/api/channels', { name });
      return { alice, bob, channel };
    }

    it('joins, leaves and revokes the sockets of the other instance within 1 s', async () => {
      const { alice, bob, channel } = await aliceCreates('across');

      const joined = nextEvent<ChannelJoinedEvent>(bob.socket, WorkspaceEvent.CHANNEL_JOINED);
      expect(
        (
          await api(instances.a.url, alice.token, 'POST', `/api/channels/${channel.id}/members`, {
            userId: bob.user.id,
          })
        ).status,
      ).toBe(200);
      const join = await within(joined, Date.now());
      expect(join.value.channel.id).toBe(channel.id);
      expect(join.ms).toBeLessThan(BOUND_MS);
      const arrived = nextEvent<{ content: string }>(bob.socket, MessageEvent.NEW);
      await emitWithAck(alice.socket, MessageEvent.SEND, { channelId: channel.id, content: 'over there' });
      expect((await arrived).content).toBe('over there');

      const left = nextEvent(bob.socket, WorkspaceEvent.CHANNEL_LEFT);
      expect(
        (await api(instances.a.url, bob.token, 'POST', `/api/channels/${channel.id}/leave`)).status,
      ).toBe(200);
      expect((await within(left, Date.now())).ms).toBeLessThan(BOUND_MS);
      const seen = recordEvents(bob.socket);
      SendAck.parse(
        await emitWithAck(alice.socket, MessageEvent.SEND, { channelId: channel.id, content: 'gone' }),
      );
      await flush(bob.socket);
      expect(seen.filter((e) => e.event === MessageEvent.NEW)).toEqual([]);

      const dropped = nextEvent(bob.socket, 'disconnect');
      expect((await api(instances.a.url, bob.token, 'POST', '/api/logout-everywhere')).status).toBe(200);
      expect((await within(dropped, Date.now())).ms).toBeLessThan(BOUND_MS);
      expect((await connectRefusal(instances.b.url, { token: bob.token })).data).toEqual({
        reason: 'token_revoked',
      });
    });

    // What instance B remembers of who may send where (membership-cache.ts) is forgotten through the same
    // Redis message that takes B's sockets out of the room, before B tells the socket.
    it('refuses on the other instance the next send of a member who left, or in an archived channel', async () => {
      const { alice, bob, channel } = await aliceCreates('remembered');
      /** A channel action through instance A: its HTTP status. */
      const act = async (user: ConnectedUser, action: 'join' | 'leave' | 'archive') =>
        (await api(instances.a.url, user.token, 'POST', `/api/channels/${channel.id}/${action}`)).status;
      const joined = nextEvent(bob.socket, WorkspaceEvent.CHANNEL_JOINED);
      expect(await act(bob, 'join')).toBe(200);
      await joined;
      const send = (content: string) =>
        emitWithAck(bob.socket, MessageEvent.SEND, {
          channelId: channel.id,
          content,
          clientMessageId: randomUUID(),
        });
      expect(await send('from b')).toMatchObject({ ok: true });

      const left = nextEvent(bob.socket, WorkspaceEvent.CHANNEL_LEFT);
      expect(await act(bob, 'leave')).toBe(200);
      await left;
      expect(await send('after leaving')).toMatchObject({ ok: false, code: 'FORBIDDEN' });

      const rejoined = nextEvent(bob.socket, WorkspaceEvent.CHANNEL_JOINED);
      expect(await act(bob, 'join')).toBe(200);
      await rejoined;
      expect(await send('back')).toMatchObject({ ok: true });
      const archived = nextEvent(bob.socket, WorkspaceEvent.CHANNEL_UPDATED);
      expect(await act(alice, 'archive')).toBe(200);
      await archived;
      expect(await send('after the archive')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    });

    it('applies an admin command (told through Redis) on every instance', async () => {
      const carolOnA = await connectAs(instances.a.url, 'carol');
      const carolOnB = await connectAs(instances.b.url, 'carol');
      instances.sockets.push(carolOnA.socket, carolOnB.socket);
      const drops = [carolOnA, carolOnB].map((c) => nextEvent(c.socket, 'disconnect'));
      await runAdmin(
        ['--data-dir', instances.dataDir, '--redis-url', instances.redis.url, 'user', 'deactivate', 'carol'],
        {
          env: {},
          stdin: process.stdin,
          print: () => {},
        },
      );
      // From the moment the command is done (it has stored the change and published it).
      const since = Date.now();
      for (const drop of drops) expect((await within(drop, since)).ms).toBeLessThan(BOUND_MS);
      expect((await connectRefusal(instances.b.url, { token: carolOnB.token })).data).toEqual({
        reason: 'token_revoked',
      });
    });
  },
);
