/** Small helpers for JSON over node:http: every error body is `{error, code}`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, HttpErrorCode } from '../../src-shared/protocol';
import { AppError } from '../errors';

/** Login bodies are tiny; anything bigger is refused before it is buffered. */
export const MAX_BODY_BYTES = 16 * 1024;

const STATUS_BY_CODE: Record<string, number> = {
  [ErrorCode.VALIDATION]: 400,
  [HttpErrorCode.UNAUTHORIZED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.INTERNAL]: 500,
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** For 401s: the same `reason` a socket refusal carries. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

export const unauthorized = (message: string, reason?: string) =>
  new HttpError(401, HttpErrorCode.UNAUTHORIZED, message, reason);

/** `json`: the body already serialised, when the caller had to look at it (compress.ts). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  json = JSON.stringify(body),
): void {
  sendJsonBytes(res, status, json);
}

/** A JSON body as it goes on the wire (`headers`: e.g. its content-encoding). */
export function sendJsonBytes(
  res: ServerResponse,
  status: number,
  bytes: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(bytes),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(bytes);
}

/** Turns anything thrown by a route into its HTTP answer; returns true when it was unexpected. */
export function sendError(res: ServerResponse, err: unknown): boolean {
  if (err instanceof HttpError) {
    const body = { error: err.message, code: err.code };
    sendJson(res, err.status, err.reason ? { ...body, reason: err.reason } : body);
    return false;
  }
  if (err instanceof AppError) {
    sendJson(res, STATUS_BY_CODE[err.code] ?? 400, { error: err.message, code: err.code });
    return false;
  }
  sendJson(res, 500, { error: 'Internal error', code: ErrorCode.INTERNAL });
  return true;
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  // JSON only: a form or text/plain body is what a cross-site page can send without a preflight.
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, ErrorCode.VALIDATION, 'Send the body as application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, ErrorCode.VALIDATION, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, ErrorCode.VALIDATION, 'Request body is not valid JSON');
  }
}
