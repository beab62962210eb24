/**
 * Generated bad input for every socket event the server handles: payloads made from the zod schemas
 * and mutated (dropped, retyped, oversized and prototype-named fields, deep nesting, other values
 * entirely), sometimes with real channel and message ids so the handlers' later checks are reached,
 * and sent with an ack, without one, with a non-function in its place, or after extra arguments.
 * For every case: the connection stays up, any answer is a well-formed ack or `message:error` whose
 * code is an ErrorCode, and a message is stored only when the server said it was sent. After each
 * event's run a well-formed `message:send` still reaches another member.
 *
 * `npm test` runs a sample per event; `npm run test:fuzz` runs FUZZ_RUNS cases per event.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  CLIENT_EVENTS,
  ErrorCode,
  MessageEvent,
  RelayEvent,
  SendAck,
  type SimpleAck,
} from '../../src-shared/protocol';
import { fuzzRuns } from '../../src-shared/testing/fuzz';
import { waitFor } from '../../src-shared/testing/wait-for';
import { mutatedFrom } from '../../src-shared/testing/zod-arbitrary';
import { GATED_EVENT_LIMITS } from '../limits/event-limit';
import {
  type ClientSocket,
  type ConnectedUser,
  connectSocket,
  demoServer,
  emitWithAck,
  flush,
  recordEvents,
} from '../testing';

// The message limit is off: a refusal for going too fast is not what this file looks for.
const demo = demoServer({ messageRateLimit: 0 });
let alice: ConnectedUser;
let bob: ConnectedUser;
let bobSaw: { event: string; payload: unknown }[];
let channelIds: string[];
let messageIds: string[];
const ERROR_CODES = new Set<string>(Object.values(ErrorCode));

beforeAll(async () => {
  await demo.start();
  alice = await demo.as('alice');
  bob = await demo.as('bob');
  bobSaw = recordEvents(bob.socket);
  channelIds = [demo.general.id, demo.random.id];
  messageIds = [];
  for (const channelId of channelIds) {
    const ack = SendAck.parse(
      await emitWithAck(bob.socket, MessageEvent.SEND, { content: 'seed', channelId }),
    );
    // bob is not in every channel: a refusal here only means one real id fewer to aim at.
    if (ack.ok) messageIds.push(ack.messageId);
  }
});
afterAll(() => demo.stop());

/** How many messages are stored: each channel's seq grows by one per message it accepts. */
async function storedCount(): Promise<number> {
  let total = 0;
  for (const channelId of channelIds) {
    const { messages } = await demo.server.store.listMessages(channelId, alice.user.id, { limit: 1 });
    total += Math.max(0, ...messages.map((m) => m.seq));
  }
  return total;
}

/**
 * The sending socket. The per-socket gate cuts a connection that floods typing or receipts
 * (a few times its allowance in one window), and refuses past the allowance before any handler runs: a fresh socket
 * takes over before the old one reaches the smallest allowance, so the handlers see every case.
 */
const GATED = new Set<string>(GATED_EVENT_LIMITS.flatMap((rule) => rule.events));
const GATED_PER_SOCKET = Math.min(...GATED_EVENT_LIMITS.map((rule) => rule.perSocket));
let sender:
  | { socket: ClientSocket; events: { event: string; payload: unknown }[]; gated: number }
  | undefined;

async function senderFor(event: string) {
  if (!sender || (GATED.has(event) && sender.gated >= GATED_PER_SOCKET)) {
    sender?.socket.close();
    const socket = await connectSocket(demo.server.url, { token: alice.token, userId: alice.user.id });
    sender = { socket, events: recordEvents(socket), gated: 0 };
  }
  if (GATED.has(event)) sender.gated++;
  sender.events.length = 0;
  return sender;
}

/** The payload's channelId / messageId swapped for a real one, where it has such a field. */
function aimed(payload: unknown, channelId: string, messageId: string | undefined): unknown {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return payload;
  const copy: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
  if ('channelId' in copy) copy.channelId = channelId;
  if ('messageId' in copy && messageId !== undefined) copy.messageId = messageId;
  return copy;
}

const payloadFor = (schema: z.ZodType) =>
  fc.oneof(
    mutatedFrom(schema),
    fc
      .tuple(mutatedFrom(schema), fc.constantFrom(...channelIds), fc.option(fc.constantFrom(...messageIds)))
      .map(([payload, channelId, messageId]) => aimed(payload, channelId, messageId ?? undefined)),
  );

/** How the arguments go out: the ack last, none, a non-function where the ack goes, extras before it. */
const shapes = fc.constantFrom('ack', 'no-ack', 'not-a-function', 'extra-args', 'no-payload');

type Shape = 'ack' | 'no-ack' | 'not-a-function' | 'extra-args' | 'no-payload';

async function sendCase(event: string, shape: Shape, payload: unknown, ackSchema: z.ZodType) {
  const { socket, events } = await senderFor(event);
  const before = await storedCount();
  let ack: unknown;
  if (shape === 'ack') ack = await emitWithAck(socket, event, payload);
  else if (shape === 'extra-args') ack = await emitWithAck(socket, event, payload, 'extra', { n: 1 }, 7);
  else if (shape === 'no-payload') ack = await emitWithAck(socket, event);
  else {
    // Untyped on purpose: a hostile client does not follow the event map.
    const raw = socket as unknown as { emit(e: string, ...args: unknown[]): void };
    if (shape === 'no-ack') raw.emit(event, payload);
    else raw.emit(event, payload, 42);
  }

  const sent = () => events.filter((e) => e.event === MessageEvent.SENT).length;
  const errors = () => events.filter((e) => e.event === MessageEvent.ERROR);
  if (ack === undefined && event === MessageEvent.SEND) {
    // Unacknowledged, a send is still answered: message:sent or message:error.
    await waitFor(() => sent() + errors().length > 0, 'an answer to an unacknowledged send');
  }
  await flush(socket);

  if (ack !== undefined) {
    const parsed = (ackSchema as typeof SimpleAck).safeParse(ack);
    expect(parsed.success, `ack ${JSON.stringify(ack)?.slice(0, 300)}`).toBe(true);
  }
  for (const { payload: error } of errors()) {
    expect(ERROR_CODES.has((error as { code?: string }).code ?? ''), JSON.stringify(error)).toBe(true);
  }
  expect(socket.connected, 'the sender is still connected').toBe(true);
  const stored = (await storedCount()) - before;
  // A batch stores at most one message per item it answered as sent (a replay's, none).
  if (event === RelayEvent.SEND_BATCH)
    expect(stored).toBeLessThanOrEqual(Array.isArray(ack) ? ack.filter((a) => a?.ok === true).length : 0);
  else if (event !== MessageEvent.SEND) expect(stored).toBe(0);
  else if (ack !== undefined && !(ack as { ok?: boolean }).ok) expect(stored).toBe(0);
  // Accepted: one message, or none for a replay; never more than the server reported sent.
  else
    expect(stored).toBeLessThanOrEqual(Math.max(sent(), (ack as { ok?: boolean } | undefined)?.ok ? 1 : 0));
}

/** A well-formed send from alice still reaches bob. */
async function stillDelivers(): Promise<void> {
  const content = `still here ${Math.random()}`;
  const ack = SendAck.parse(
    await emitWithAck(alice.socket, MessageEvent.SEND, { content, channelId: demo.general.id }),
  );
  expect(ack.ok).toBe(true);
  await waitFor(
    () =>
      bobSaw.some(
        (e) => e.event === MessageEvent.NEW && (e.payload as { content: string }).content === content,
      ),
    'bob to receive the well-formed message',
  );
}

describe('socket events under generated bad input', () => {
  // Messages that change never store a message (storedCount counts seqs).
  for (const [event, { payload: schema, ack: ackSchema }] of Object.entries(CLIENT_EVENTS)) {
    it(`${event}: refusals carry their code, nothing refused is stored, the server carries on`, async () => {
      await fc.assert(
        fc.asyncProperty(payloadFor(schema), shapes, async (payload, shape) => {
          await sendCase(event, shape as Shape, payload, ackSchema);
        }),
        { numRuns: fuzzRuns(150) },
      );
      await stillDelivers();
    });
  }
});
