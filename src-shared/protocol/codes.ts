/**
 * The fixed values the protocol's payloads carry (realtime-messaging.md, interface.md): delivery
 * statuses and their order, error codes, and why a socket was refused.
 */
export enum MessageDeliveryStatus {
  SENT = 'SENT',
  DELIVERED = 'DELIVERED',
  READ = 'READ',
  FAILED = 'FAILED',
}

/** Rank of a delivery status: a status never goes back to a lower rank. FAILED is local-only. */
export const STATUS_RANK: Record<MessageDeliveryStatus, number> = {
  [MessageDeliveryStatus.FAILED]: -1,
  [MessageDeliveryStatus.SENT]: 0,
  [MessageDeliveryStatus.DELIVERED]: 1,
  [MessageDeliveryStatus.READ]: 2,
};

/** The higher of two statuses (a status never goes back). */
export function maxStatus(a: MessageDeliveryStatus, b: MessageDeliveryStatus): MessageDeliveryStatus {
  return STATUS_RANK[b] > STATUS_RANK[a] ? b : a;
}

/** Error codes carried by `message:error`, negative acks and HTTP error bodies (interface.md). */
export enum ErrorCode {
  VALIDATION = 'VALIDATION',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  RATE_LIMITED = 'RATE_LIMITED',
  /** A numbered send that is not the next of its device in that channel (retryable: resend from the gap). */
  OUT_OF_ORDER = 'OUT_OF_ORDER',
  INTERNAL = 'INTERNAL',
}

/** Extra HTTP-only codes (login and bearer-token refusals, a name already taken). */
export enum HttpErrorCode {
  UNAUTHORIZED = 'UNAUTHORIZED',
  CONFLICT = 'CONFLICT',
}

/** `data.reason` of a `connect_error` whose message is `Unauthorized`. */
export enum AuthRefusalReason {
  TOKEN_MISSING = 'token_missing',
  TOKEN_INVALID = 'token_invalid',
  TOKEN_EXPIRED = 'token_expired',
  USER_MISMATCH = 'user_mismatch',
  /** The user was deactivated, their password changed, or they signed out everywhere. */
  TOKEN_REVOKED = 'token_revoked',
}

export const UNAUTHORIZED_MESSAGE = 'Unauthorized';

/**
 * Refusals that sending again would not change: the one rule for both ends. The app gives up a send or
 * a receipt refused so; the server spends a numbered send's number on one (so the next can follow).
 */
const PERMANENT_REFUSALS: ReadonlySet<string> = new Set([
  ErrorCode.VALIDATION,
  ErrorCode.FORBIDDEN,
  ErrorCode.NOT_FOUND,
]);

export function isPermanentRefusal(code: string): boolean {
  return PERMANENT_REFUSALS.has(code);
}
