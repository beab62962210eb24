/**
 * Every inbound event goes through `handle`: the payload is parsed with its shared schema, the handler
 * runs, and the answer goes to the acknowledgement callback when there is one. Any refusal becomes a
 * `message:error` (and a negative ack); an unexpected failure is logged and answered as INTERNAL. Nothing
 * a client sends can throw out of here.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import { type AckError, ErrorCode, type MessageErrorEvent, MessageEvent } from '../../src-shared/protocol';
import { AppError, invalid } from '../errors';
import { describeZodError } from '../validation';
import type { RelaySocket } from './types';

export type Ack = (response: unknown) => void;

const MAX_ECHOED_ID_LENGTH = 64;

/** Socket.IO passes the acknowledgement callback as the last argument, when the client gave one. */
export function splitArgs(args: unknown[]): { payload: unknown; ack: Ack | undefined } {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as Ack) : undefined;
  return { payload: args[0] === ack ? undefined : args[0], ack };
}

/** The input's clientMessageId, echoed in `message:error` when it had one (even if it was malformed). */
function clientMessageIdOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const value = (payload as Record<string, unknown>).clientMessageId;
  return typeof value === 'string' && value.length <= MAX_ECHOED_ID_LENGTH ? value : undefined;
}

/**
 * An event's handler, made once for the whole server and shared by every socket: it is given the socket
 * it runs for. (A closure per event per socket cost each connection about 3 KB: BENCHMARKS.md, conn5.)
 */
export interface Route {
  schema: z.ZodType;
  handler: (socket: RelaySocket, payload: never) => Promise<object>;
  /** Refused, unhandled, without an ack: its answer travels only in the ack (`message:send:batch`). */
  needsAck?: boolean;
}

/** The events a server handles, each with its schema and handler. */
export type Routes = Map<string, Route>;

/** One entry of a `Routes` table, typed by its schema. */
export function route<S extends z.ZodType, R extends object>(
  event: string,
  schema: S,
  handler: (socket: RelaySocket, payload: z.infer<S>) => Promise<R>,
  needsAck?: boolean,
): [string, Route] {
  return [event, { schema, handler: handler as Route['handler'], needsAck }];
}

/**
 * Runs one inbound event through its route: parse, handle, answer the ack, or refuse. Never throws and
 * never rejects.
 */
export async function handle(
  socket: RelaySocket,
  logger: Logger,
  event: string,
  { schema, handler, needsAck }: Route,
  args: unknown[],
): Promise<void> {
  const { payload, ack } = splitArgs(args);
  try {
    if (needsAck && !ack) throw invalid(`${event} needs an acknowledgement`);
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw invalid(describeZodError(parsed.error));
    const result = await handler(socket, parsed.data as never);
    ack?.(result);
  } catch (err) {
    refuse(socket, logger, event, err, clientMessageIdOf(payload), ack);
  }
}

/** The error code a refusal of `err` carries. */
export function codeOf(err: unknown): ErrorCode {
  return err instanceof AppError ? err.code : ErrorCode.INTERNAL;
}

export function refuse(
  socket: RelaySocket,
  logger: Logger,
  event: string,
  err: unknown,
  clientMessageId: string | undefined,
  ack: Ack | undefined,
  /** A caller that logs (or rate-limits its log) itself passes 'silent'. */
  level?: 'silent',
): void {
  const negative = negativeAck(socket, logger, event, err, level);
  const { ok: _, ...refusal } = negative;
  const body: MessageErrorEvent = { ...refusal, event };
  if (clientMessageId !== undefined) body.clientMessageId = clientMessageId;
  socket.emit(MessageEvent.ERROR, body);
  ack?.(negative);
}

/** The negative ack that answers `err`, logged (an unexpected failure as an error; see `refuse`). */
export function negativeAck(
  socket: RelaySocket,
  logger: Logger,
  event: string,
  err: unknown,
  level?: 'silent',
): AckError {
  const known = err instanceof AppError;
  const code = codeOf(err);
  const error = known ? err.message : 'Internal error';
  const log = { event, code, userId: socket.data.userId, socketId: socket.id };
  if (!known) logger.error({ ...log, err }, 'event failed');
  // A refusal for going too fast comes in floods: its lines would be the flood's echo in the log.
  else if (level !== 'silent')
    logger[code === ErrorCode.RATE_LIMITED ? 'debug' : 'info'](log, 'event refused');
  const hints = known ? err.hints : {};
  return { ok: false, error, code, ...hints };
}
