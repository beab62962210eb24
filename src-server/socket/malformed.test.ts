/**
 * Bad input of every kind, for every event: `message:error` with the right code (and a negative ack),
 * nothing stored, the connection still up, nobody else sees anything.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorCode,
  MAX_FRAME_BYTES,
  MessageErrorEvent,
  MessageEvent,
  RoomEvent,
  SendAck,
} from '../../src-shared/protocol';
import {
  type ClientSocket,
  connectAs,
  demoServer,
  emitWithAck,
  flush,
  nextEvent,
  recordEvents,
} from '../testing';

const demo = demoServer();
let carol: ClientSocket;
let observers: ClientSocket[];
let generalMessageId: string;
let randomMessageId: string;

const unknownId = '0b7d1f4e-9a3c-4d2b-8e1f-5a6b7c8d9e0f';

// One server for the file: alice and bob watch, carol sends the bad input.
beforeAll(async () => {
  await demo.start();
  const alice = await demo.as('alice');
  const bob = await demo.as('bob');
  carol = (await demo.as('carol')).socket;
  observers = [alice.socket, bob.socket];
  const sent = async (channelId: string) => {
    const ack = SendAck.parse(
      await emitWithAck(alice.socket, MessageEvent.SEND, { content: 'seed', channelId }),
    );
    if (!ack.ok) throw new Error(ack.error);
    return ack.messageId;
  };
  generalMessageId = await sent(demo.general.id);
  randomMessageId = await sent(demo.random.id);
});
afterAll(() => demo.stop());

async function storedState() {
  const [g, r] = await Promise.all([
    demo.server.store.listMessages(demo.general.id, observers[0]!.id!, { limit: 500 }),
    demo.server.store.listMessages(demo.random.id, observers[0]!.id!, { limit: 500 }),
  ]);
  return JSON.stringify([
    g,
    r,
    await demo.server.store.listChannels((await demo.server.store.findUserByUsername('alice'))!.id),
  ]);
}

type Case = [name: string, event: string, payload: () => unknown, code: ErrorCode];

const send = (payload: Record<string, unknown>) => ({
  content: 'hi',
  channelId: demo.general.id,
  ...payload,
});
const receipt = (payload: Record<string, unknown>) => ({
  messageId: generalMessageId,
  channelId: demo.general.id,
  ...payload,
});

const cases: Case[] = [
  ['send: no payload', MessageEvent.SEND, () => undefined, ErrorCode.VALIDATION],
  ['send: null', MessageEvent.SEND, () => null, ErrorCode.VALIDATION],
  ['send: a string', MessageEvent.SEND, () => 'hello', ErrorCode.VALIDATION],
  ['send: a number', MessageEvent.SEND, () => 42, ErrorCode.VALIDATION],
  ['send: an array', MessageEvent.SEND, () => [send({})], ErrorCode.VALIDATION],
  ['send: an empty object', MessageEvent.SEND, () => ({}), ErrorCode.VALIDATION],
  ['send: content missing', MessageEvent.SEND, () => ({ channelId: demo.general.id }), ErrorCode.VALIDATION],
  ['send: content empty', MessageEvent.SEND, () => send({ content: '' }), ErrorCode.VALIDATION],
  [
    'send: content only whitespace',
    MessageEvent.SEND,
    () => send({ content: ' \n\t\u00a0 ' }),
    ErrorCode.VALIDATION,
  ],
  [
    'send: content 2001 characters',
    MessageEvent.SEND,
    () => send({ content: 'x'.repeat(2001) }),
    ErrorCode.VALIDATION,
  ],
  [
    'send: 1001 emoji (2002 UTF-16 units)',
    MessageEvent.SEND,
    () => send({ content: '😀'.repeat(1001) }),
    ErrorCode.VALIDATION,
  ],
  ['send: content a number', MessageEvent.SEND, () => send({ content: 123 }), ErrorCode.VALIDATION],
  [
    'send: content an object',
    MessageEvent.SEND,
    () => send({ content: { text: 'hi' } }),
    ErrorCode.VALIDATION,
  ],
  ['send: channelId missing', MessageEvent.SEND, () => ({ content: 'hi' }), ErrorCode.VALIDATION],
  ['send: channelId a name', MessageEvent.SEND, () => send({ channelId: 'general' }), ErrorCode.VALIDATION],
  ['send: channelId a number', MessageEvent.SEND, () => send({ channelId: 7 }), ErrorCode.VALIDATION],
  [
    'send: clientMessageId not a UUID',
    MessageEvent.SEND,
    () => send({ clientMessageId: 'abc' }),
    ErrorCode.VALIDATION,
  ],
  ['send: parentId not a UUID', MessageEvent.SEND, () => send({ parentId: 'root' }), ErrorCode.VALIDATION],
  [
    'send: deliveryStatus unknown',
    MessageEvent.SEND,
    () => send({ deliveryStatus: 'BOGUS' }),
    ErrorCode.VALIDATION,
  ],
  ['send: unknown channel', MessageEvent.SEND, () => send({ channelId: unknownId }), ErrorCode.NOT_FOUND],
  ['send: not a member', MessageEvent.SEND, () => send({ channelId: demo.random.id }), ErrorCode.FORBIDDEN],
  ['send: unknown parent', MessageEvent.SEND, () => send({ parentId: unknownId }), ErrorCode.NOT_FOUND],
  [
    'send: parent in another channel',
    MessageEvent.SEND,
    () => send({ parentId: randomMessageId }),
    ErrorCode.NOT_FOUND,
  ],
  ['typing start: empty', MessageEvent.TYPING_START, () => ({}), ErrorCode.VALIDATION],
  [
    'typing start: channelId a name',
    MessageEvent.TYPING_START,
    () => ({ channelId: 'general' }),
    ErrorCode.VALIDATION,
  ],
  [
    'typing start: isTyping a string',
    MessageEvent.TYPING_START,
    () => ({ channelId: demo.general.id, isTyping: 'yes' }),
    ErrorCode.VALIDATION,
  ],
  [
    'typing start: unknown channel',
    MessageEvent.TYPING_START,
    () => ({ channelId: unknownId }),
    ErrorCode.NOT_FOUND,
  ],
  [
    'typing start: not a member',
    MessageEvent.TYPING_START,
    () => ({ channelId: demo.random.id }),
    ErrorCode.FORBIDDEN,
  ],
  ['typing stop: null', MessageEvent.TYPING_STOP, () => null, ErrorCode.VALIDATION],
  [
    'typing stop: not a member',
    MessageEvent.TYPING_STOP,
    () => ({ channelId: demo.random.id }),
    ErrorCode.FORBIDDEN,
  ],
  ['delivered: empty', MessageEvent.DELIVERED, () => ({}), ErrorCode.VALIDATION],
  [
    'delivered: messageId not a UUID',
    MessageEvent.DELIVERED,
    () => receipt({ messageId: 'm1' }),
    ErrorCode.VALIDATION,
  ],
  [
    'delivered: status unknown',
    MessageEvent.DELIVERED,
    () => receipt({ status: 'SEEN' }),
    ErrorCode.VALIDATION,
  ],
  [
    'delivered: unknown message',
    MessageEvent.DELIVERED,
    () => receipt({ messageId: unknownId }),
    ErrorCode.NOT_FOUND,
  ],
  [
    'delivered: message in another channel',
    MessageEvent.DELIVERED,
    () => receipt({ messageId: randomMessageId }),
    ErrorCode.NOT_FOUND,
  ],
  [
    'delivered: not a member',
    MessageEvent.DELIVERED,
    () => receipt({ messageId: randomMessageId, channelId: demo.random.id }),
    ErrorCode.FORBIDDEN,
  ],
  [
    'read: channelId missing',
    MessageEvent.READ,
    () => ({ messageId: generalMessageId }),
    ErrorCode.VALIDATION,
  ],
  ['read: unknown channel', MessageEvent.READ, () => receipt({ channelId: unknownId }), ErrorCode.NOT_FOUND],
  [
    'read: not a member',
    MessageEvent.READ,
    () => receipt({ messageId: randomMessageId, channelId: demo.random.id }),
    ErrorCode.FORBIDDEN,
  ],
  ['room:join: empty', RoomEvent.JOIN, () => ({}), ErrorCode.VALIDATION],
  ['room:join: channelId a name', RoomEvent.JOIN, () => ({ channelId: 'general' }), ErrorCode.VALIDATION],
  ['room:join: unknown channel', RoomEvent.JOIN, () => ({ channelId: unknownId }), ErrorCode.NOT_FOUND],
  ['room:join: not a member', RoomEvent.JOIN, () => ({ channelId: demo.random.id }), ErrorCode.FORBIDDEN],
  [
    'room:join: already in the room',
    RoomEvent.JOIN,
    () => ({ channelId: demo.general.id }),
    ErrorCode.VALIDATION,
  ],
  ['room:leave: a string', RoomEvent.LEAVE, () => 'general', ErrorCode.VALIDATION],
  ['an unknown event', 'message:delete', () => ({ messageId: generalMessageId }), ErrorCode.VALIDATION],
  ['an event named like a room', 'channel:general', () => ({}), ErrorCode.VALIDATION],
  [
    'a server-to-client event sent back',
    MessageEvent.NEW,
    () => ({ content: 'x', channelId: demo.general.id }),
    ErrorCode.VALIDATION,
  ],
];

describe('malformed input', () => {
  it(`covers at least 30 cases (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)(
    '%s → message:error, nothing stored, nobody else sees anything',
    async (_name, event, payload, code) => {
      const before = await storedState();
      const seen = observers.map(recordEvents);
      const errorEvent = nextEvent(carol, MessageEvent.ERROR);
      const ack = await emitWithAck<unknown>(carol, event, payload());

      expect(ack).toMatchObject({ ok: false, code });
      const error = MessageErrorEvent.parse(await errorEvent);
      expect(error).toMatchObject({ code, event });
      expect(error.error.length).toBeGreaterThan(0);

      await Promise.all(observers.map(flush));
      for (const events of seen) expect(events).toEqual([]);
      expect(await storedState()).toBe(before);
      expect(carol.connected).toBe(true);
      for (const socket of observers) socket.offAny();
    },
  );

  it('echoes the clientMessageId of a refused send, even a malformed one', async () => {
    const clientMessageId = randomUUID();
    const errors = [nextEvent(carol, MessageEvent.ERROR)];
    carol.emit(MessageEvent.SEND, { content: '', channelId: demo.general.id, clientMessageId });
    expect((await errors[0]) as object).toMatchObject({
      clientMessageId,
      code: 'VALIDATION',
      event: MessageEvent.SEND,
    });
    const second = nextEvent(carol, MessageEvent.ERROR);
    carol.emit(MessageEvent.SEND, { content: 'hi', channelId: unknownId, clientMessageId: 'not-a-uuid' });
    expect((await second) as object).toMatchObject({ clientMessageId: 'not-a-uuid', code: 'VALIDATION' });
  });

  it('answers without an ack callback too (message:error alone)', async () => {
    const error = nextEvent(carol, MessageEvent.ERROR);
    carol.emit(MessageEvent.SEND, null as never);
    expect(await error).toMatchObject({ code: 'VALIDATION', event: MessageEvent.SEND });
  });

  it('strips unknown fields and treats null optional fields as absent', async () => {
    const ack = SendAck.parse(
      await emitWithAck(carol, MessageEvent.SEND, {
        content: 'retry from an offline store',
        channelId: demo.general.id,
        parentId: null,
        clientMessageId: null,
        deliveryStatus: 'FAILED',
        status: 'FAILED',
        localOnly: { whatever: true },
      }),
    );
    expect(ack.ok).toBe(true);
    const stored = await demo.server.store.getMessage(ack.ok ? ack.messageId : '');
    expect(stored).not.toHaveProperty('localOnly');
    expect(stored?.parentId).toBeUndefined();
  });

  it('never crashes on arbitrary values for any event (fast-check)', async () => {
    const before = await storedState();
    const events = [...Object.values(MessageEvent), ...Object.values(RoomEvent), 'x', ''];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...events), fc.anything(), async (event, payload) => {
        const ack = await emitWithAck<{ ok: boolean }>(carol, event, payload);
        expect(ack.ok).toBe(false);
      }),
      { numRuns: 150 },
    );
    expect(carol.connected).toBe(true);
    expect(await storedState()).toBe(before);
  });

  it('closes only the connection that sends a frame over 64 KiB', async () => {
    const before = await storedState();
    const { socket: big } = await connectAs(demo.server.url, 'bob');
    const closed = new Promise<string>((resolve) => big.once('disconnect', resolve));
    big.emit(MessageEvent.SEND, { content: 'x'.repeat(MAX_FRAME_BYTES + 1), channelId: demo.general.id });
    expect(await closed).toMatch(/transport/);
    expect(carol.connected).toBe(true);
    const ack = SendAck.parse(
      await emitWithAck(carol, MessageEvent.SEND, { content: 'still here', channelId: demo.general.id }),
    );
    expect(ack.ok).toBe(true);
    expect(await storedState()).not.toBe(before);
  });
});
