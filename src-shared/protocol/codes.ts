/**
 * The fixed values the protocol's payloads carry (realtime-messaging.md, interface.md): delivery
 * statuses and their order, error codes, and why a socket was refused. Each table is its list of values
 * (name-table.ts derives the constant names: `ErrorCode.NOT_FOUND` is `'NOT_FOUND'`,
 * `AuthRefusalReason.TOKEN_MISSING` is `'token_missing'`).
 */
import { type NameOf, nameTable } from './name-table';

export const MessageDeliveryStatus = nameTable(['SENT', 'DELIVERED', 'READ', 'FAILED']);
export type MessageDeliveryStatus = NameOf<typeof MessageDeliveryStatus>;

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
export const ErrorCode = nameTable([
  'VALIDATION',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  /** A numbered send that is not the next of its device in that channel (retryable: resend from the gap). */
  'OUT_OF_ORDER',
  'INTERNAL',
]);
export type ErrorCode = NameOf<typeof ErrorCode>;

/** Extra HTTP-only codes (login and bearer-token refusals, a name already taken). */
export const HttpErrorCode = nameTable(['UNAUTHORIZED', 'CONFLICT']);
export type HttpErrorCode = NameOf<typeof HttpErrorCode>;

/** The message of a `connect_error` that refuses the token; its `data.reason` is an AuthRefusalReason. */
export const UNAUTHORIZED_MESSAGE = 'Unauthorized';

/** `data.reason` of a `connect_error` whose message is `Unauthorized`. */
export const AuthRefusalReason = nameTable([
  'token_missing',
  'token_invalid',
  'token_expired',
  'user_mismatch',
  /** The user was deactivated, their password changed, or they signed out everywhere. */
  'token_revoked',
]);
export type AuthRefusalReason = NameOf<typeof AuthRefusalReason>;

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
