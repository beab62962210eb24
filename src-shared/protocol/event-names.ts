/**
 * Event and status names, exactly as the protocol document (realtime-messaging.md) names them.
 * Everything that crosses the socket refers to these constants, never to string literals.
 */
export enum MessageEvent {
  // Sending/receiving messages
  SEND = 'message:send',
  NEW = 'message:new',
  SENT = 'message:sent',

  // Typing indicators
  TYPING_START = 'message:typing:start',
  TYPING_STOP = 'message:typing:stop',

  // Delivery status
  DELIVERED = 'message:delivered',
  READ = 'message:read',

  // Error events
  ERROR = 'message:error',
}

export enum MessageDeliveryStatus {
  SENT = 'SENT',
  DELIVERED = 'DELIVERED',
  READ = 'READ',
  FAILED = 'FAILED',
}

/** Room management events (protocol document, "Channel Room Management"). */
export enum RoomEvent {
  JOIN = 'room:join',
  LEAVE = 'room:leave',
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

/** Room names (protocol document: `user:{userId}` and `channel:{channelId}`). */
export const userRoom = (userId: string): string => `user:${userId}`;
export const channelRoom = (channelId: string): string => `channel:${channelId}`;

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
