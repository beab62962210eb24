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
export const forbidden = (message: string) => new AppError(ErrorCode.FORBIDDEN, message);
export const invalid = (message: string) => new AppError(ErrorCode.VALIDATION, message);

/** A configuration problem: the CLI prints its message as one line and exits 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
