/**
 * Every payload that crosses the socket or the HTTP API, defined once as a zod schema.
 * Server, main-process core and renderer import these; the types are inferred from them.
 *
 * Rules from interface.md encoded here: unknown fields are stripped (zod's default for objects),
 * `null` in an optional field counts as absent, content is 1–2000 characters, not only
 * whitespace or invisible characters, and valid UTF-16 (no lone surrogate), ids are UUIDs.
 */
import { z } from 'zod';
import { AuthRefusalReason, ErrorCode, MessageDeliveryStatus } from './codes';
import {
  CONTENT_EMPTY,
  CONTENT_LONE_SURROGATE,
  CONTENT_LOOKS_EMPTY,
  CONTENT_TOO_LONG,
  LONE_SURROGATE,
  LOOKS_EMPTY,
} from './content-rules';
import { MAX_CONTENT_LENGTH, MAX_FILES_PER_MESSAGE, MAX_PAGE_LIMIT, MAX_SEND_BATCH_ITEMS } from './limits';

/** An optional field in which `null` counts as absent. */
export function optionalField<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

export const Id = z.uuid();
export const Seq = z.number().int().positive();
export const IsoDate = z.iso.datetime({ offset: true });
export const DeliveryStatus = z.enum(MessageDeliveryStatus);
export const ErrorCodeSchema = z.enum(ErrorCode);

export const MessageContent = z
  .string()
  .min(1, CONTENT_EMPTY)
  .max(MAX_CONTENT_LENGTH, CONTENT_TOO_LONG)
  // zod 4 measures max() in code points; interface.md counts characters as JavaScript does (UTF-16 units).
  .refine((s) => s.length <= MAX_CONTENT_LENGTH, CONTENT_TOO_LONG)
  // Lone surrogates come back as U+FFFD from every encoder (tripling the size) and break renderers.
  .refine((s) => !LONE_SURROGATE.test(s), CONTENT_LONE_SURROGATE)
  .refine((s) => !LOOKS_EMPTY.test(s), CONTENT_LOOKS_EMPTY);

export const MAX_EMOJI_LENGTH = 32;
/** A reaction: 1 to 32 characters (UTF-16 units, as content counts them), visible, valid UTF-16. */
export const Emoji = z
  .string()
  .refine(
    (s) => s.length >= 1 && s.length <= MAX_EMOJI_LENGTH,
    `An emoji has 1 to ${MAX_EMOJI_LENGTH} characters`,
  )
  .refine((s) => !LONE_SURROGATE.test(s), 'Emoji contains an unpaired surrogate (not valid Unicode)')
  .refine((s) => !LOOKS_EMPTY.test(s), 'Emoji is empty (only whitespace or invisible characters)');

/** One emoji on a message and who put it there (changes.ts). */
export const Reaction = z.object({ emoji: z.string(), userIds: z.array(Id) });
export type Reaction = z.infer<typeof Reaction>;

export const UserSummary = z.object({ id: Id, name: z.string() });
export type UserSummary = z.infer<typeof UserSummary>;

// ---------------------------------------------------------------------------------------------
// Client → server
// ---------------------------------------------------------------------------------------------

/** `message:send` */
export const SendMessagePayload = z
  .object({
    content: MessageContent,
    channelId: Id,
    parentId: optionalField(Id),
    deliveryStatus: optionalField(DeliveryStatus),
    /** Made by the sender; the same id sent again returns the first message (exactly-once). */
    clientMessageId: optionalField(Id),
    /** One app installation (its account database); with deviceSeq, orders its sends by construction. */
    deviceId: optionalField(Id),
    /** 1, 2, 3, … per device and channel: accepted only as the next after the last one used. */
    deviceSeq: optionalField(Seq),
    /** Uploads of the sender (POST /api/files) this message carries. */
    fileIds: optionalField(
      z.array(Id).max(MAX_FILES_PER_MESSAGE, `At most ${MAX_FILES_PER_MESSAGE} files per message`),
    ),
  })
  .refine((p) => (p.deviceId === undefined) === (p.deviceSeq === undefined), {
    message: 'deviceId and deviceSeq go together',
    path: ['deviceSeq'],
  });
export type SendMessagePayload = z.infer<typeof SendMessagePayload>;

/** `message:typing:start` / `message:typing:stop` */
export const TypingPayload = z.object({
  channelId: Id,
  isTyping: optionalField(z.boolean()),
});
export type TypingPayload = z.infer<typeof TypingPayload>;

/** `message:delivered` / `message:read`; the event name decides the status. */
export const ReceiptPayload = z.object({
  messageId: Id,
  channelId: Id,
  status: optionalField(DeliveryStatus),
});
export type ReceiptPayload = z.infer<typeof ReceiptPayload>;

/** `room:join` / `room:leave` */
export const RoomPayload = z.object({ channelId: Id });
export type RoomPayload = z.infer<typeof RoomPayload>;

/** Socket.IO handshake `auth`. */
export const HandshakeAuth = z.object({
  token: optionalField(z.string()),
  userId: optionalField(z.string()),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

// ---------------------------------------------------------------------------------------------
// Server → client
// ---------------------------------------------------------------------------------------------

export const Receipt = z.object({
  userId: Id,
  status: DeliveryStatus,
  at: IsoDate,
});
export type Receipt = z.infer<typeof Receipt>;

/** A file a message carries (interface.md, Files); its bytes are at GET /api/files/:id. */
export const MessageFile = z.object({
  id: Id,
  name: z.string(),
  size: z.number().int().nonnegative(),
  mime: z.string(),
});
export type MessageFile = z.infer<typeof MessageFile>;

/** `message:new`, and every message of a history page. */
export const Message = z.object({
  id: Id,
  content: z.string(),
  channelId: Id,
  userId: Id,
  parentId: optionalField(Id),
  createdAt: IsoDate,
  updatedAt: IsoDate,
  deliveryStatus: DeliveryStatus,
  user: UserSummary,
  seq: Seq,
  clientMessageId: optionalField(Id),
  /** Only on the caller's own messages in history pages. */
  receipts: optionalField(z.array(Receipt)),
  // Messages that change (changes.ts). Defaults, so rows and peers from before them still parse.
  editedAt: IsoDate.nullish().transform((v) => v ?? null),
  /** A tombstone: content is empty, the row keeps its place for order and replies. */
  deleted: z.boolean().default(false),
  mentions: z.array(Id).default([]),
  reactions: z.array(Reaction).default([]),
  /** The channel's change counter when this message last changed (0: from before changeSeq). */
  changeSeq: z.number().int().nonnegative().default(0),
  files: optionalField(z.array(MessageFile)),
});
export type Message = z.infer<typeof Message>;

/** The change fields of a message never edited, deleted or reacted to (for code that builds one). */
export function unchangedMessageFields(): Pick<
  Message,
  'editedAt' | 'deleted' | 'mentions' | 'reactions' | 'changeSeq'
> {
  return { editedAt: null, deleted: false, mentions: [], reactions: [], changeSeq: 0 };
}

/** The ack of `message:send`, and the `message:sent` event (same fields). */
export const MessageSent = z.object({
  ok: z.literal(true),
  messageId: Id,
  channelId: Id,
  clientMessageId: optionalField(Id),
  status: z.literal(MessageDeliveryStatus.SENT),
  seq: Seq,
  createdAt: IsoDate,
});
export type MessageSent = z.infer<typeof MessageSent>;

/** Extra fields of a refusal: OUT_OF_ORDER says which deviceSeq to resend from, RATE_LIMITED when to. */
const RefusalHints = {
  expectedSeq: optionalField(Seq),
  retryAfterMs: optionalField(z.number().int().nonnegative()),
};

export const AckError = z.object({
  ok: z.literal(false),
  error: z.string(),
  code: ErrorCodeSchema,
  ...RefusalHints,
});
export type AckError = z.infer<typeof AckError>;

export const SendAck = z.discriminatedUnion('ok', [MessageSent, AckError]);
export type SendAck = z.infer<typeof SendAck>;

/**
 * `message:send:batch` (an addition: RelayEvent): 2 to MAX_SEND_BATCH_ITEMS sends, each handled as its own
 * `message:send` in order. Its ack has one SendAck per item, in order, or one AckError if the batch
 * itself was refused (nothing of it was handled then).
 */
export const SendBatchPayload = z.object({
  items: z.array(SendMessagePayload).min(2).max(MAX_SEND_BATCH_ITEMS),
});
export type SendBatchPayload = z.infer<typeof SendBatchPayload>;
export const SendBatchAck = z.union([z.array(SendAck), AckError]);
export type SendBatchAck = z.infer<typeof SendBatchAck>;

/** `relay:features`: what this server handles beyond interface.md (RelayEvent). Unknown keys are ignored. */
export const RelayFeatures = z.object({
  sendBatch: optionalField(z.object({ maxItems: z.number().int().min(2) })),
});
export type RelayFeatures = z.infer<typeof RelayFeatures>;

/** A generic ack for events other than `message:send` (receipts, typing, rooms). */
export const SimpleAck = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true) }), AckError]);
export type SimpleAck = z.infer<typeof SimpleAck>;

/** `message:delivered` / `message:read` forwarded to `user:{authorId}`. */
export const ReceiptEvent = Receipt.extend({ messageId: Id, channelId: Id });
export type ReceiptEvent = z.infer<typeof ReceiptEvent>;

/** `message:typing:start` / `message:typing:stop` forwarded to the channel room. */
export const TypingEvent = z.object({
  userId: Id,
  channelId: Id,
  isTyping: z.boolean(),
});
export type TypingEvent = z.infer<typeof TypingEvent>;

/** `message:error` */
export const MessageErrorEvent = z.object({
  error: z.string(),
  code: ErrorCodeSchema,
  event: z.string(),
  clientMessageId: optionalField(z.string()),
  ...RefusalHints,
});
export type MessageErrorEvent = z.infer<typeof MessageErrorEvent>;

/** `connect_error` data when the message is `Unauthorized`. */
export const AuthRefusalData = z.object({
  reason: z.enum(AuthRefusalReason),
});
export type AuthRefusalData = z.infer<typeof AuthRefusalData>;

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

export const LoginRequest = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const LoginResponse = z.object({ token: z.string(), user: UserSummary });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const ChannelKind = z.enum(['channel', 'dm']);
export type ChannelKind = z.infer<typeof ChannelKind>;

/**
 * A channel as every member sees it (`channel:updated`). The workspace fields default, so a peer that
 * predates them (a plain server of the protocol document) still parses.
 */
export const ChannelInfo = z.object({
  id: Id,
  name: z.string(),
  kind: ChannelKind.default('channel'),
  private: z.boolean().default(false),
  topic: z.string().default(''),
  archived: z.boolean().default(false),
  createdBy: optionalField(Id),
  memberIds: z.array(Id),
  members: z.array(UserSummary),
  lastSeq: z.number().int().nonnegative(),
});
export type ChannelInfo = z.infer<typeof ChannelInfo>;

/** A channel as one user sees it: with their read position (GET /api/channels, `channel:joined`). */
export const Channel = ChannelInfo.extend({
  lastReadSeq: z.number().int().nonnegative(),
  unreadCount: z.number().int().nonnegative(),
  /** Only with `?all=1`: false for a public channel the caller is not in. */
  member: optionalField(z.boolean()),
});
export type Channel = z.infer<typeof Channel>;

export const ChannelList = z.array(Channel);

const QuerySeq = z.coerce.number().int().nonnegative();

/** `GET /api/channels/:id/messages` query: `after` or `before` (not both), `limit` ≤ 500. */
export const HistoryQuery = z
  .object({
    after: optionalField(QuerySeq),
    before: optionalField(QuerySeq),
    limit: optionalField(z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT)),
  })
  .refine((q) => q.after === undefined || q.before === undefined, {
    message: 'Give either after or before, not both',
  });
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const MessagesPage = z.object({ messages: z.array(Message), hasMore: z.boolean() });
export type MessagesPage = z.infer<typeof MessagesPage>;

export const ApiError = z.object({ error: z.string(), code: z.string() });
export type ApiError = z.infer<typeof ApiError>;
