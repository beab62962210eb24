import { ErrorCode } from '../src-shared/protocol';

/** What a retryable refusal tells the client: where to resend from (OUT_OF_ORDER), when (RATE_LIMITED). */
export interface RefusalHints {
  expectedSeq?: number;
  retryAfterMs?: number;
}

/** A refusal the client is told about (`message:error`, a negative ack, an HTTP error body). */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hints: RefusalHints = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
/**
 * An attached upload that is not stored: never uploaded, or never posted within a day and collected
 * (files/orphans.ts). The same words on arrival and from the insert, which can find it collected since.
 */
export const fileGone = () =>
  new AppError(
    ErrorCode.NOT_FOUND,
    'An attached file is no longer on the server (an upload not sent within a day is removed): attach it again',
  );
export const forbidden = (message: string) => new AppError(ErrorCode.FORBIDDEN, message);
export const invalid = (message: string) => new AppError(ErrorCode.VALIDATION, message);

/** A configuration problem: the CLI prints its message as one line and exits 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
