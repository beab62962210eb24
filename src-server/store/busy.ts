/**
 * The one refusal both stores give when their queue of waiting work is full (SQLite's writer queue,
 * PostgreSQL's wait for a pooled connection): retryable, with when to come back, instead of queuing
 * without bound. A full queue drains within about a second, so that is the advertised wait.
 */
import { ErrorCode } from '../../src-shared/protocol';
import { AppError } from '../errors';

export const STORE_BUSY_RETRY_AFTER_MS = 1_000;

export function storeBusy(): AppError {
  return new AppError(ErrorCode.RATE_LIMITED, 'The server is busy: try again in a moment', {
    retryAfterMs: STORE_BUSY_RETRY_AFTER_MS,
  });
}
