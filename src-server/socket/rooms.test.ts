import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageEvent, RoomEvent } from '../../src-shared/protocol';
import { type ClientSocket, demoServer, emitWithAck, flush, nextEvent, recordEvents } from '../testing';

const demo = demoServer();
beforeEach(() => demo.start());
afterEach(() => demo.stop());

const roomsOf = (socket: ClientSocket) =>
  [...(demo.server.io.sockets.sockets.get(socket.id!)?.rooms ?? [])].sort();

describe('rooms', () => {
  it('puts a socket in user:{id} and every member channel on connect, before `connect` fires', async () => {
    const alice = await demo.as('alice');
    const carol = await demo.as('carol');
    expect(roomsOf(alice.socket)).toEqual(
      [
        alice.socket.id!,
        `user:${alice.user.id}`,
        `channel:${demo.general.id}`,
        `channel:${demo.random.id}`,
      ].sort(),
    );
    expect(roomsOf(carol.socket)).toEqual(
      [carol.socket.id!, `user:${carol.user.id}`, `channel:${demo.general.id}`].sort(),
    );
  });

  it('delivers a channel only to its members', async () => {
    const alice = await demo.as('alice');
    const bob = await demo.as('bob');
    const carol = await demo.as('carol');
    const carolSees = recordEvents(carol.socket);
    const bobNew = nextEvent(bob.socket, MessageEvent.NEW);
    await emitWithAck(alice.socket, MessageEvent.SEND, { content: 'a secret', channelId: demo.random.id });
    expect(await bobNew).toMatchObject({ channelId: demo.random.id });
    await flush(carol.socket);
    expect(carolSees).toEqual([]);
  });

  it('leaves and joins a channel room; joining twice answers "Already connected to room"', async () => {
    const alice = await demo.as('alice');
    const bob = await demo.as('bob');
    const bobSees = recordEvents(bob.socket);
    expect(await emitWithAck(bob.socket, RoomEvent.LEAVE, { channelId: demo.general.id })).toEqual({
      ok: true,
    });
    expect(await emitWithAck(bob.socket, RoomEvent.LEAVE, { channelId: demo.general.id })).toEqual({
      ok: true,
    });
    await emitWithAck(alice.socket, MessageEvent.SEND, { content: 'while away', channelId: demo.general.id });
    await flush(bob.socket);
    expect(bobSees).toEqual([]);

    expect(await emitWithAck(bob.socket, RoomEvent.JOIN, { channelId: demo.general.id })).toEqual({
      ok: true,
    });
    const error = nextEvent(bob.socket, MessageEvent.ERROR);
    expect(await emitWithAck(bob.socket, RoomEvent.JOIN, { channelId: demo.general.id })).toEqual({
      ok: false,
      error: 'Already connected to room',
      code: 'VALIDATION',
    });
    expect(await error).toEqual({
      error: 'Already connected to room',
      code: 'VALIDATION',
      event: RoomEvent.JOIN,
    });
    const bobNew = nextEvent(bob.socket, MessageEvent.NEW);
    await emitWithAck(alice.socket, MessageEvent.SEND, { content: 'back', channelId: demo.general.id });
    expect(await bobNew).toMatchObject({ seq: 2 });
  });
});
