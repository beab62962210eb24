import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Channel, MessageEvent, RoomEvent } from '../../src-shared/protocol';
import {
  type ClientSocket,
  connectAs,
  emitWithAck,
  flush,
  nextEvent,
  recordEvents,
  startTestServer,
  type TestServer,
} from '../testing';

let server: TestServer;
let sockets: ClientSocket[];
let general: Channel;
let random: Channel;

async function as(username: string) {
  const client = await connectAs(server.url, username);
  sockets.push(client.socket);
  return client;
}

const roomsOf = (socket: ClientSocket) =>
  [...(server.io.sockets.sockets.get(socket.id!)?.rooms ?? [])].sort();

beforeEach(async () => {
  server = await startTestServer();
  sockets = [];
  const alice = await server.store.findUserByUsername('alice');
  const channels = await server.store.listChannels(alice!.id);
  general = channels.find((c) => c.name === 'general')!;
  random = channels.find((c) => c.name === 'random')!;
});

afterEach(async () => {
  for (const socket of sockets) socket.close();
  await server.close();
});

describe('rooms', () => {
  it('puts a socket in user:{id} and every member channel on connect, before `connect` fires', async () => {
    const alice = await as('alice');
    const carol = await as('carol');
    expect(roomsOf(alice.socket)).toEqual(
      [alice.socket.id!, `user:${alice.user.id}`, `channel:${general.id}`, `channel:${random.id}`].sort(),
    );
    expect(roomsOf(carol.socket)).toEqual(
      [carol.socket.id!, `user:${carol.user.id}`, `channel:${general.id}`].sort(),
    );
  });

  it('delivers a channel only to its members', async () => {
    const alice = await as('alice');
    const bob = await as('bob');
    const carol = await as('carol');
    const carolSees = recordEvents(carol.socket);
    const bobNew = nextEvent(bob.socket, MessageEvent.NEW);
    await emitWithAck(alice.socket, MessageEvent.SEND, { content: 'a secret', channelId: random.id });
    expect(await bobNew).toMatchObject({ channelId: random.id });
    await flush(carol.socket);
    expect(carolSees).toEqual([]);
  });

  it('leaves and joins a channel room; joining twice answers "Already connected to room"', async () => {
    const alice = await as('alice');
    const bob = await as('bob');
    const bobSees = recordEvents(bob.socket);
    expect(await emitWithAck(bob.socket, RoomEvent.LEAVE, { channelId: general.id })).toEqual({ ok: true });
    expect(await emitWithAck(bob.socket, RoomEvent.LEAVE, { channelId: general.id })).toEqual({ ok: true });
    await emitWithAck(alice.socket, MessageEvent.SEND, { content: 'while away', channelId: general.id });
    await flush(bob.socket);
    expect(bobSees).toEqual([]);

    expect(await emitWithAck(bob.socket, RoomEvent.JOIN, { channelId: general.id })).toEqual({ ok: true });
    const error = nextEvent(bob.socket, MessageEvent.ERROR);
    expect(await emitWithAck(bob.socket, RoomEvent.JOIN, { channelId: general.id })).toEqual({
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
    await emitWithAck(alice.socket, MessageEvent.SEND, { content: 'back', channelId: general.id });
    expect(await bobNew).toMatchObject({ seq: 2 });
  });
});
