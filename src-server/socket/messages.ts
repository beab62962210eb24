/**
 * `message:send`: validate, recognise a replay, check membership and the parent, rate-limit, store with
 * the channel's next seq, then ack + `message:sent` to the sender and `message:new` to the channel room
 * except the sending socket. A replay answers with the first message and broadcasts nothing.
 *
 * Order. A client pipelines a channel's sends on one socket (up to its window, 256 in flight), so a channel's seqs must
 * follow arrival order. Each send takes a turn, keyed by (user, channel), the moment it arrives; in its
 * turn it reads the results of its lookups (started on arrival, so a store with round trips answers them
 * in parallel), is rate-limited and queues its insert, and the turn passes on. The store numbers inserts
 * in the order they are queued (store/contract.ts), so seqs follow arrival; and the next send's turn
 * does not wait for this one's commit, so SQLite still commits a whole pipeline in one group.
 *
 * Replays. Copies of one clientMessageId from one user run one at a time (keyed by (user,
 * clientMessageId)): a copy starts once the one before it is stored or refused, so the store finds the
 * first, and it is answered with it; it never counts against the rate limit. Both stores check for a
 * copy inside the insert's transaction, so a send is not read for before it (that read was 12–14 % of
 * the main thread in a replay: BENCHMARKS.md, srv9 and srv10): it takes its rate-limit token on hold
 * (rate-limit.ts), given back if the insert finds a copy, and it is looked up before anything would
 * refuse it (out of order, not a member, no parent, files, no token), where a copy is answered instead.
 * Where the limiter cannot hold a token (Redis), every send is looked up on arrival, as before.
 *
 * Mentions (mentions.ts) are looked up on arrival with the other lookups and stored with the message.
 *
 * Numbered sends (deviceId + deviceSeq, device-order.ts): in its turn, after the replay check, a send that
 * is not its device's next is refused OUT_OF_ORDER before anything else. A next one refused for good
 * (VALIDATION, FORBIDDEN, NOT_FOUND) uses up its number, so it never blocks the sends behind it; that
 * write counts against the rate limit like a message.
 */
import { z } from 'zod';
import {
  type AckError,
  channelRoom,
  ErrorCode,
  Id,
  isPermanentRefusal,
  MAX_SEND_BATCH_ITEMS,
  type Message,
  MessageDeliveryStatus,
  MessageEvent,
  type MessageFile,
  type MessageSent,
  optionalField,
  RelayEvent,
  SendMessagePayload,
  Seq,
} from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { AppError, invalid, notFound } from '../errors';
import { filesToAttach } from '../files/attach';
import { uuidV7 } from '../ids/uuid-v7';
import type { DeviceSeq } from '../store/types';
import { describeZodError } from '../validation';
import type { Audience } from './audience';
import { holdWrites } from './coalesce-writes';
import { type DeviceOrder, outOfOrder } from './device-order';
import { codeOf, negativeAck, type Route, route } from './handle';
import type { KeyedMutex } from './keyed-mutex';
import { resolveMentions } from './mentions';
import { type Hold, type MessageRateLimiter, NO_HOLD } from './rate-limit';
import type { RelaySocket } from './types';
import type { TypingTracker } from './typing';

export interface MessageDeps {
  limiter: MessageRateLimiter;
  /** Copies of one message, one at a time: keyed by (user, clientMessageId). */
  replays: KeyedMutex;
  /** A channel's sends, checked and queued in arrival order: keyed by (user, channel). */
  arrivals: KeyedMutex;
  /** Numbered sends: each device's next number per channel. */
  order: DeviceOrder;
  typing: TypingTracker;
  /** Whether anyone but the sender receives a broadcast to a room (audience.ts). */
  audience: Audience;
}

/** What a send is numbered with, read even from a payload that fails validation (so it can use it up). */
const Numbering = z.object({
  channelId: Id,
  clientMessageId: optionalField(Id),
  deviceId: Id,
  deviceSeq: Seq,
});
type Numbering = z.infer<typeof Numbering>;

/**
 * `message:send:batch` (an addition: RelayEvent). Its items are parsed one by one, each as a
 * `message:send`'s payload, so a malformed item is refused as that send would be (and uses up its number).
 */
const SendBatchEnvelope = z.object({ items: z.array(z.unknown()).min(2).max(MAX_SEND_BATCH_ITEMS) });

function deviceOf(payload: { deviceId?: string; deviceSeq?: number }): DeviceSeq | undefined {
  const { deviceId, deviceSeq } = payload;
  return deviceId === undefined || deviceSeq === undefined ? undefined : { deviceId, deviceSeq };
}

function sentFields(message: Message): MessageSent {
  const sent: MessageSent = {
    ok: true,
    messageId: message.id,
    channelId: message.channelId,
    status: MessageDeliveryStatus.SENT,
    seq: message.seq,
    createdAt: message.createdAt,
  };
  if (message.clientMessageId !== undefined) sent.clientMessageId = message.clientMessageId;
  return sent;
}

/**
 * Whether a send is a copy of one stored before: read on arrival where the limiter cannot hold tokens,
 * else only before a refusal (`first` once read). An object, not a closure per send (tsx names each).
 */
interface CopyCheck {
  userId: string;
  clientMessageId: string | undefined;
  first: Promise<Message | undefined> | undefined;
}

/** A send already looked up and found no copy. */
const NOT_A_COPY: CopyCheck = { userId: '', clientMessageId: undefined, first: Promise.resolve(undefined) };

/** A send in line for a freed token (takeToken): `tried` settles once it has tried to take one. */
interface Waiter {
  arrival: number;
  tried: Promise<void>;
  leave: () => void;
}

/** A promise awaited later, or never (after an earlier refusal): its rejection must not go unhandled. */
function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** `message:send`'s route, made once for the server; every function here is given the socket or its user. */
export function messageRoutes(ctx: ServerContext, deps: MessageDeps): [string, Route][] {
  const { store, logger, metrics } = ctx;
  /** Sends numbered in the order they arrive (freed rate-limit tokens are served in that order). */
  let arrivals = 0;
  /** Per user: the sends waiting for a freed token (takeToken). */
  const lines = new Map<string, Waiter[]>();

  /** Must be called in arrival order, synchronously: it takes the send's turn before its first await. */
  async function send(socket: RelaySocket, payload: SendMessagePayload): Promise<Message> {
    const { userId } = socket.data;
    const { channelId, clientMessageId, parentId } = payload;
    const device = deviceOf(payload);
    const holds = deps.limiter.holds;
    // Judged at its arrival by a limiter that holds tokens; otherwise looked up now (see the top).
    const arrivedAt = holds?.now();
    const arrival = ++arrivals;
    const copy: CopyCheck = {
      userId,
      clientMessageId,
      first: holds ? undefined : lookUpFirst(userId, clientMessageId),
    };
    const first = copy.first;
    // Looked up on arrival, so a store with round trips answers them in parallel; what needs no lookup
    // (a member already known, no parent, no files, no `@`) takes no promise and no await in the turn.
    const member = ctx.memberships.knownWritable(channelId, userId)
      ? undefined
      : started(ctx.memberships.requireWritable(store, channelId, userId));
    const parent = parentId === undefined ? undefined : started(store.getMessage(parentId));
    const attached = payload.fileIds?.length
      ? started(filesToAttach(store, userId, payload.fileIds))
      : undefined;
    const mentions = payload.content.includes('@')
      ? started(resolveMentions(store, channelId, payload.content))
      : undefined;

    // The turn ends once the insert is queued; the message is awaited after it, outside the turn.
    const { stored } = await deps.arrivals.run(`${userId}:${channelId}`, async () => {
      const replayed = first && (await first);
      if (replayed) return answer(userId, replayed);
      if (device) {
        const expected =
          deps.order.queuedNext(userId, channelId, device) ??
          (await deps.order.expected(userId, channelId, device));
        if (device.deviceSeq !== expected) {
          const copied = await replayOf(copy);
          if (copied) return answer(userId, copied);
          throw outOfOrder(expected);
        }
      }
      let files: MessageFile[] | undefined;
      try {
        if (member) await member;
        if (parent) {
          const found = await parent;
          if (!found || found.channelId !== channelId) throw notFound('Parent message');
        }
        if (attached) files = await attached;
      } catch (err) {
        const copied = await replayOf(copy);
        if (copied) return answer(userId, copied);
        if (!(device && err instanceof AppError && isPermanentRefusal(err.code))) throw err;
        // Its number may have passed only on the writes queued here (one a copy's, which uses none).
        await deps.order.checkStored(userId, channelId, device);
        // Answered once the number is used up, outside the turn.
        const { spent } = await spendNumber(userId, channelId, device, arrivedAt, arrival);
        return { stored: started(spent.then(() => Promise.reject(err))) };
      }
      const mentioned = mentions ? await mentions : [];
      // A free token is held at once; otherwise waited for (takeToken).
      const held = holdNow(userId, arrivedAt);
      const token = held ? { hold: held } : await takeToken(userId, arrivedAt, arrival, copy);
      if ('copied' in token) return answer(userId, token.copied);
      const inserting = started(insert(socket, payload, device, mentioned, files, token.hold));
      if (device) deps.order.used(userId, channelId, device, inserting);
      return { stored: inserting };
    });
    return stored;
  }

  function answer(userId: string, replayed: Message): { stored: Promise<Message> } {
    logger.debug({ event: 'replay', userId, messageId: replayed.id }, 'replay answered');
    return { stored: Promise.resolve(replayed) };
  }

  /** In the turn, without an await: a free token on hold, where the limiter holds tokens (`arrivedAt` set). */
  function holdNow(userId: string, arrivedAt: number | undefined): Hold | undefined {
    return arrivedAt === undefined ? undefined : deps.limiter.holds?.hold(userId, arrivedAt);
  }

  /**
   * In the turn, when `holdNow` found no token: where the limiter cannot hold one, takes it for good.
   * Otherwise, with none free while others are on hold, waits for those to settle (a copy's comes back),
   * then tries for a freed token in arrival order (the user's sends to other channels wait in their own
   * turns) and before any round trip, so a send that came later cannot take it first; the insert still
   * finds a copy and gives it back. Still with none, looks the send up: a copy is answered, never
   * refused (nor does it start a block).
   */
  async function takeToken(
    userId: string,
    arrivedAt: number | undefined,
    arrival: number,
    copy: CopyCheck,
  ): Promise<{ hold: Hold } | { copied: Message }> {
    const holds = deps.limiter.holds;
    if (!holds || arrivedAt === undefined) {
      await deps.limiter.consume(userId);
      return { hold: NO_HOLD };
    }
    let hold: Hold | undefined;
    const waiter = joinLine(userId, arrival);
    try {
      await holds.settled(userId);
      await ahead(userId, waiter);
      hold = holds.hold(userId, arrivedAt);
    } finally {
      waiter.leave();
    }
    if (hold) return { hold };
    const copied = await replayOf(copy);
    if (copied) return { copied };
    await deps.limiter.consume(userId, arrivedAt);
    return { hold: NO_HOLD };
  }

  /** Puts a send in its user's line for a freed token; `leave` takes it out once it has tried. */
  function joinLine(userId: string, arrival: number): Waiter {
    let line = lines.get(userId);
    if (!line) {
      line = [];
      lines.set(userId, line);
    }
    const queue = line;
    let tried!: () => void;
    const waiter: Waiter = {
      arrival,
      tried: new Promise<void>((resolve) => {
        tried = resolve;
      }),
      leave: () => {
        const at = queue.indexOf(waiter);
        if (at !== -1) queue.splice(at, 1);
        if (queue.length === 0 && lines.get(userId) === queue) lines.delete(userId);
        tried();
      },
    };
    queue.push(waiter);
    return waiter;
  }

  /** Settles once every send of the user in line that arrived before `waiter` has tried. */
  async function ahead(userId: string, waiter: Waiter): Promise<void> {
    for (;;) {
      const before = lines.get(userId)?.find((w) => w.arrival < waiter.arrival);
      if (!before) return;
      await before.tried;
    }
  }

  /** Before a refusal: the first copy of this send, if it is one (read once). */
  function replayOf(copy: CopyCheck): Promise<Message | undefined> {
    copy.first ??= lookUpFirst(copy.userId, copy.clientMessageId);
    return copy.first;
  }

  function lookUpFirst(userId: string, clientMessageId: string | undefined): Promise<Message | undefined> {
    return started(
      clientMessageId === undefined
        ? Promise.resolve(undefined)
        : store.findByClientMessageId(userId, clientMessageId),
    );
  }

  /**
   * In the turn: a numbered send refused for good uses up its number (a write: rate-limited too).
   * `spent` settles once that is stored (wrapped: an async function would wait for it in the turn).
   */
  async function spendNumber(
    userId: string,
    channelId: string,
    device: DeviceSeq,
    arrivedAt = deps.limiter.holds?.now(),
    arrival = ++arrivals,
  ): Promise<{ spent: Promise<void> }> {
    // Already looked up: not a copy.
    const held = holdNow(userId, arrivedAt);
    const token = held ? { hold: held } : await takeToken(userId, arrivedAt, arrival, NOT_A_COPY);
    if ('hold' in token) token.hold.keep();
    const spent = store.skipDeviceSeq(userId, channelId, device).catch((err: unknown) => {
      // No such channel (nothing to keep in order there), or the store failed: the number stays unused,
      // and the client's next send there is told where to resume.
      logger.debug({ err, userId, channelId }, 'number of a refused send not used up');
    });
    deps.order.used(userId, channelId, device, spent);
    return { spent };
  }

  /** A payload that failed validation: if it is numbered and its device's next, its number is used up. */
  async function refuseInvalid(userId: string, numbering: Numbering, error: AppError): Promise<never> {
    const { channelId } = numbering;
    const device = deviceOf(numbering)!;
    const first = lookUpFirst(userId, numbering.clientMessageId);
    const { spent } = await deps.arrivals.run(`${userId}:${channelId}`, async () => {
      if (await first) return { spent: Promise.resolve() };
      await deps.order.checkStored(userId, channelId, device);
      return spendNumber(userId, channelId, device);
    });
    await spent;
    throw error;
  }

  /** Queues the insert now; broadcasts as it resolves, which the store does in seq order. */
  function insert(
    socket: RelaySocket,
    payload: SendMessagePayload,
    device: DeviceSeq | undefined,
    mentions: string[],
    files: MessageFile[] | undefined,
    /** Kept if the message is stored; given back if the store finds a copy or refuses it out of order. */
    hold: Hold,
  ): Promise<Message> {
    const { channelId } = payload;
    const { userId } = socket.data;
    const message = {
      // Time-ordered: each store's index of message ids, here and in every client, grows at its end.
      id: uuidV7(),
      channelId,
      userId,
      parentId: payload.parentId,
      content: payload.content,
      clientMessageId: payload.clientMessageId,
      createdAt: new Date().toISOString(),
      mentions,
      files,
    };
    const stored = device
      ? store.insertNumbered(message, device).then((result) => {
          if (result.message) return result;
          // Another instance moved this device on: the store's word counts.
          deps.order.forget(userId, channelId, device);
          throw outOfOrder(result.expectedSeq);
        })
      : store.insertMessage(message);
    return stored.then(
      ({ message, created }) => {
        if (!created) {
          // A copy: answered with the first, which used no number and takes no token.
          hold.release();
          if (device) deps.order.forget(userId, channelId, device);
          return message;
        }
        hold.keep();
        const room = channelRoom(channelId);
        if (deps.audience(socket, room)) socket.to(room).emit(MessageEvent.NEW, message);
        // Whoever sent has stopped typing there.
        deps.typing.stop(userId, channelId);
        logger.debug(
          { event: 'message', userId, channelId, messageId: message.id, seq: message.seq },
          'stored',
        );
        return message;
      },
      (err: unknown) => {
        // Refused out of order by the store: not counted, as when this instance refuses it.
        if (err instanceof AppError && err.code === ErrorCode.OUT_OF_ORDER) hold.release();
        else hold.keep();
        throw err;
      },
    );
  }

  /**
   * One send, counted as accepted or refused. Called synchronously in arrival order (see `send`).
   * `announce`: also `message:sent` to the sender (a single send; a batch's ack carries the same fields).
   * One async function, not a counting wrapper around another: a frame and a promise less a send (srv27).
   */
  async function counted(socket: RelaySocket, raw: unknown, announce: boolean): Promise<MessageSent> {
    const { userId } = socket.data;
    try {
      const parsed = SendMessagePayload.safeParse(raw);
      if (!parsed.success) {
        const error = invalid(describeZodError(parsed.error));
        const numbering = Numbering.safeParse(raw);
        if (numbering.success) await refuseInvalid(userId, numbering.data, error);
        throw error;
      }
      const payload = parsed.data;
      // Both paths call `send` synchronously when nothing is ahead of them (see KeyedMutex).
      const message =
        payload.clientMessageId === undefined
          ? await send(socket, payload)
          : await deps.replays.run(`${userId}:${payload.clientMessageId}`, () => send(socket, payload));
      const sent = sentFields(message);
      if (announce) {
        // message:sent and the ack (`handle`, a few promise callbacks later): one write.
        holdWrites(socket.conn);
        socket.emit(MessageEvent.SENT, sent);
      }
      metrics.messagesAccepted.inc();
      return sent;
    } catch (err) {
      const code = codeOf(err);
      metrics.messagesRefused.inc({ code });
      if (code === ErrorCode.RATE_LIMITED) metrics.rateLimitRefusals.inc({ scope: 'message' });
      throw err;
    }
  }

  /**
   * A batch's refused items in one line, at the level one of them alone would have (an unexpected
   * failure is still logged per item, by negativeAck). A line per item was up to 64 lines for a frame of
   * a few hundred bytes (`{}` is an item): the log was ~8x cheaper to flood than with single sends.
   */
  function logRefusals(socket: RelaySocket, answers: readonly (MessageSent | AckError)[]): void {
    const codes: Record<string, number> = {};
    let refused = 0;
    for (const answer of answers) {
      if (answer.ok) continue;
      codes[answer.code] = (codes[answer.code] ?? 0) + 1;
      refused++;
    }
    if (refused === 0) return;
    const { userId } = socket.data;
    const log = {
      event: RelayEvent.SEND_BATCH,
      codes,
      refused,
      items: answers.length,
      userId,
      socketId: socket.id,
    };
    logger[refused === codes[ErrorCode.RATE_LIMITED] ? 'debug' : 'info'](log, 'event refused');
  }

  // Parsed here rather than by `handle`: an invalid numbered send must still use up its number.
  return [
    route(MessageEvent.SEND, z.unknown(), (socket, raw) => counted(socket, raw, true)),
    /**
     * Each item exactly as a `message:send` arriving in its place: every item takes its turn here,
     * synchronously and in order, as consecutive sends on the socket take theirs; so seqs, replays,
     * OUT_OF_ORDER (each later item of the channel is answered as it would be alone), the rate limit (a
     * token an item) and the refusals are the single path's. One ack, an answer per item in order, each
     * a send's ack; no `message:sent` and no `message:error` per item (the ack carries the same fields).
     * Without an ack it is refused whole, unhandled: its answers would go nowhere.
     */
    route(
      RelayEvent.SEND_BATCH,
      SendBatchEnvelope,
      async (socket, { items }) => {
        const answers = await Promise.all(
          items.map((raw) =>
            counted(socket, raw, false).catch((err: unknown) =>
              negativeAck(socket, logger, RelayEvent.SEND_BATCH, err, 'silent'),
            ),
          ),
        );
        logRefusals(socket, answers);
        return answers;
      },
      true,
    ),
  ];
}
